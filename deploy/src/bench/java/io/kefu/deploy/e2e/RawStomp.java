package io.kefu.deploy.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A small STOMP 1.2 client over the JDK's WebSocket, light enough to hold ten thousand sessions in one
 * JVM: one {@link HttpClient} (one selector thread) and a small executor for every session, and one
 * scheduler thread that sends every session's heart-beats and notices the server's missing ones.
 * Spring's {@code WebSocketStompClient} (test-support's {@code StompTestClient}) costs a thread pool and
 * a Tomcat client session each, which would make the load generator the thing measured.
 * <p>
 * A session is dropped, and counted in {@link #drops}, on an ERROR frame, on a transport close or error
 * it did not ask for, and when the server sends nothing (not even a heart-beat) for three intervals.
 */
final class RawStomp implements AutoCloseable {

    /** One parsed frame: command, headers (first value of each), body. */
    record Frame(String command, Map<String, String> headers, String body) {

        String destination() {
            return headers.getOrDefault("destination", "");
        }
    }

    final Duration heartbeat;
    private final ExecutorService executor = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().name("raw-stomp-", 0).factory());
    private final HttpClient client = HttpClient.newBuilder().executor(executor).version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("raw-stomp-heartbeats").factory());
    private final Map<Session, Boolean> sessions = new ConcurrentHashMap<>();
    /** Why sessions were dropped: "ERROR frame: ...", "closed 1006", "missed heart-beat"... → count. */
    final Map<String, AtomicInteger> drops = new ConcurrentHashMap<>();
    final AtomicInteger heartbeatsReceived = new AtomicInteger();

    RawStomp(Duration heartbeat) {
        this.heartbeat = heartbeat;
        long tick = 500;
        scheduler.scheduleAtFixedRate(this::beat, tick, tick, TimeUnit.MILLISECONDS);
    }

    int dropped() {
        return drops.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Opens the socket and sends CONNECT with the token; completes with the session once CONNECTED arrives. */
    CompletableFuture<Session> connect(URI uri, String token, BiConsumer<Session, Frame> onFrame) {
        Session session = new Session(onFrame);
        return client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30)).buildAsync(uri, session)
                .thenCompose(ws -> {
                    session.ws = ws;
                    sessions.put(session, Boolean.TRUE);
                    long beat = heartbeat.toMillis();
                    session.send(frame("CONNECT", Map.of("accept-version", "1.2", "host", "kefu", "heart-beat", beat + "," + beat,
                            "Authorization", "Bearer " + token), ""));
                    return session.connected;
                });
    }

    /** Sends a heart-beat for sessions quiet for an interval; drops those the server left silent for three. */
    private void beat() {
        long now = System.nanoTime();
        long interval = heartbeat.toNanos();
        for (Session session : sessions.keySet()) {
            if (session.closing || session.gone) {
                continue;
            }
            if (session.serverBeat > 0 && now - session.lastReceived > 3 * session.serverBeat) {
                session.drop("missed heart-beat (nothing from the server for " + TimeUnit.NANOSECONDS.toSeconds(now - session.lastReceived) + " s)");
                session.ws.abort();
                continue;
            }
            if (session.clientBeat > 0 && now - session.lastSent >= session.clientBeat - interval / 20) {
                session.send("\n");
            }
        }
    }

    @Override
    public void close() {
        sessions.keySet().forEach(Session::close);
        scheduler.shutdownNow();
        executor.shutdownNow();
        client.close();
    }

    static String frame(String command, Map<String, String> headers, String body) {
        StringBuilder frame = new StringBuilder(command).append('\n');
        headers.forEach((k, v) -> frame.append(k).append(':').append(v).append('\n'));
        return frame.append('\n').append(body).append('\u0000').toString();
    }

    static Frame parse(String text) {
        int end = text.indexOf("\n\n");
        String head = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + 2);
        String[] lines = head.split("\r?\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon), lines[i].substring(colon + 1));
            }
        }
        return new Frame(lines[0], headers, body);
    }

    /** One STOMP session; frames are given to {@code onFrame} on the client's executor, in order. */
    final class Session implements WebSocket.Listener {

        final CompletableFuture<Session> connected = new CompletableFuture<>();
        private final BiConsumer<Session, Frame> onFrame;
        private final StringBuilder partial = new StringBuilder();
        private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
        volatile WebSocket ws;
        volatile long lastReceived = System.nanoTime();
        volatile long lastSent = System.nanoTime();
        volatile long clientBeat;
        volatile long serverBeat;
        volatile boolean closing;
        volatile boolean gone;

        Session(BiConsumer<Session, Frame> onFrame) {
            this.onFrame = onFrame;
        }

        Session subscribe(String destination) {
            send(frame("SUBSCRIBE", Map.of("id", destination, "destination", destination), ""));
            return this;
        }

        void sendJson(String destination, String json) {
            send(frame("SEND", Map.of("destination", destination, "content-type", "application/json"), json));
        }

        /** Sends are chained: the JDK's WebSocket allows one outstanding text send at a time. */
        synchronized void send(String text) {
            if (gone) {
                return;
            }
            lastSent = System.nanoTime();
            sending = sending.thenCompose(ignored -> ws.sendText(text, true)).exceptionally(failed -> {
                drop("send failed: " + rootCause(failed));
                return null;
            });
        }

        void close() {
            closing = true;
            if (ws != null && !gone) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null);
            }
            sessions.remove(this);
        }

        void drop(String why) {
            if (closing || gone) {
                return;
            }
            gone = true;
            sessions.remove(this);
            drops.computeIfAbsent(why.length() > 120 ? why.substring(0, 120) : why, k -> new AtomicInteger()).incrementAndGet();
            connected.completeExceptionally(new IllegalStateException("dropped: " + why));
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            lastReceived = System.nanoTime();
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                for (String part : text.split("\u0000")) {
                    String trimmed = part.stripLeading();
                    if (trimmed.isEmpty()) {
                        heartbeatsReceived.incrementAndGet();
                        continue;
                    }
                    handle(parse(trimmed));
                }
            }
            webSocket.request(1);
            return null;
        }

        private void handle(Frame frame) {
            switch (frame.command()) {
                case "CONNECTED" -> {
                    String[] beats = frame.headers().getOrDefault("heart-beat", "0,0").split(",");
                    long serverSends = Long.parseLong(beats[0].trim());
                    long serverWants = Long.parseLong(beats[1].trim());
                    long mine = heartbeat.toMillis();
                    serverBeat = serverSends > 0 ? TimeUnit.MILLISECONDS.toNanos(Math.max(serverSends, mine)) : 0;
                    clientBeat = serverWants > 0 ? TimeUnit.MILLISECONDS.toNanos(Math.max(serverWants, mine)) : 0;
                    connected.complete(this);
                }
                case "ERROR" -> drop("ERROR frame: " + frame.headers().getOrDefault("message", frame.body()));
                default -> {
                    try {
                        onFrame.accept(this, frame);
                    } catch (RuntimeException e) {
                        drops.computeIfAbsent("load generator failed on a frame: " + e, k -> new AtomicInteger()).incrementAndGet();
                    }
                }
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            drop("transport closed " + statusCode + (reason == null || reason.isBlank() ? "" : " " + reason));
            gone = true;
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            drop("transport error: " + rootCause(error));
            gone = true;
        }
    }

    static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    static List<String> lines(Map<String, AtomicInteger> counts) {
        return counts.entrySet().stream().map(e -> e.getValue().get() + " × " + e.getKey()).toList();
    }
}
