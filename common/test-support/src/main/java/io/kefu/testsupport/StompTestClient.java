package io.kefu.testsupport;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real STOMP client over a plain WebSocket (Spring's {@link WebSocketStompClient} on Tomcat's JSR 356
 * client), as a mini-program or the agent workbench connects: the token goes in the CONNECT frame.
 * Frames received on subscriptions are kept per destination as JSON; STOMP ERROR frames are kept too.
 */
public final class StompTestClient implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final StompSession session;
    private final Map<String, BlockingQueue<JsonNode>> frames = new ConcurrentHashMap<>();
    private final BlockingQueue<String> errors;

    private StompTestClient(StompSession session, BlockingQueue<String> errors) {
        this.session = session;
        this.errors = errors;
    }

    /** Connects to {@code wsUrl} (e.g. {@code ws://127.0.0.1:8080/ws}) with {@code token} in CONNECT (none when null). */
    public static StompTestClient connect(String wsUrl, @Nullable String token) throws Exception {
        return connect(wsUrl, token, 10_000);
    }

    /** The same, sending and asking for heart-beats every {@code heartbeatMillis} (the server closes a session silent for three). */
    public static StompTestClient connect(String wsUrl, @Nullable String token, long heartbeatMillis) throws Exception {
        WebSocketStompClient client = new WebSocketStompClient(new StandardWebSocketClient());
        client.setDefaultHeartbeat(new long[] {heartbeatMillis, heartbeatMillis});
        client.setMessageConverter(new ByteArrayMessageConverter() {
            @Override
            protected boolean supportsMimeType(org.springframework.messaging.MessageHeaders headers) {
                return true; // frames go out as JSON bytes the test made itself
            }
        });
        org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler scheduler = new org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler();
        scheduler.setDaemon(true);
        scheduler.initialize();
        client.setTaskScheduler(scheduler); // heartbeats
        StompHeaders connect = new StompHeaders();
        if (token != null) {
            connect.add("Authorization", "Bearer " + token);
        }
        BlockingQueue<String> errors = new LinkedBlockingQueue<>();
        StompSession session = client.connectAsync(wsUrl, new WebSocketHttpHeaders(), connect, new StompSessionHandlerAdapter() {
            @Override
            public void handleFrame(StompHeaders headers, @Nullable Object payload) {
                errors.add(headers.getFirst("message") + (payload instanceof byte[] bytes ? " " + new String(bytes, StandardCharsets.UTF_8) : ""));
            }

            @Override
            public void handleException(StompSession s, @Nullable StompCommand command, StompHeaders headers, byte[] payload, Throwable e) {
                errors.add("exception: " + e.getMessage());
            }

            @Override
            public void handleTransportError(StompSession s, Throwable e) {
                errors.add("transport: " + e.getMessage());
            }
        }).get(20, TimeUnit.SECONDS);
        return new StompTestClient(session, errors);
    }

    /**
     * Subscribes. The server handles a session's frames in order, so once {@link #ready()} returns, every
     * subscription made before it is in place.
     */
    public StompTestClient subscribe(String destination) {
        BlockingQueue<JsonNode> queue = frames.computeIfAbsent(destination, d -> new LinkedBlockingQueue<>());
        return subscribe(destination, queue::add);
    }

    /**
     * Subscribes with {@code listener} called on the client's thread for each frame, as it arrives
     * (nothing is queued for {@link #await}): for load generators that time frames themselves.
     */
    public StompTestClient subscribe(String destination, java.util.function.Consumer<JsonNode> listener) {
        StompHeaders headers = new StompHeaders();
        headers.setDestination(destination);
        session.subscribe(headers, new StompFrameHandler() {
            @Override
            public Type getPayloadType(StompHeaders h) {
                return byte[].class;
            }

            @Override
            public void handleFrame(StompHeaders h, @Nullable Object payload) {
                listener.accept(payload == null ? JSON.nullNode() : JSON.readTree((byte[]) payload));
            }
        });
        return this;
    }

    /** A ping round trip ({@code /app/chat.ping} → {@code /user/queue/pong}): the subscriptions before it are active. */
    public StompTestClient ready() throws InterruptedException {
        subscribe("/user/queue/pong");
        String nonce = java.util.UUID.randomUUID().toString();
        send("/app/chat.ping", Map.of("nonce", nonce));
        await("/user/queue/pong", Duration.ofSeconds(15), f -> nonce.equals(f.path("nonce").asString()));
        return this;
    }

    /** Sends {@code body} as JSON to an application destination (e.g. {@code /app/chat.send}). */
    public void send(String destination, Object body) {
        send(destination, body, Map.of());
    }

    /** The same, with extra frame headers (e.g. a W3C {@code traceparent} the server continues). */
    public void send(String destination, Object body, Map<String, String> extraHeaders) {
        StompHeaders headers = new StompHeaders();
        extraHeaders.forEach(headers::add);
        headers.setDestination(destination);
        headers.setContentType(org.springframework.util.MimeTypeUtils.APPLICATION_JSON);
        session.send(headers, JSON.writeValueAsBytes(body));
    }

    /** The next frame on {@code destination} that matches, or an assertion error after {@code timeout}. */
    public JsonNode await(String destination, Duration timeout, Predicate<JsonNode> match) throws InterruptedException {
        BlockingQueue<JsonNode> queue = frames.computeIfAbsent(destination, d -> new LinkedBlockingQueue<>());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode frame = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
            if (frame == null) {
                throw new AssertionError("no matching frame on " + destination + " within " + timeout + "; errors: " + errors);
            }
            if (match.test(frame)) {
                return frame;
            }
        }
    }

    /** Frames that arrived on {@code destination} and were not awaited, without waiting. */
    public java.util.List<JsonNode> drain(String destination) {
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        frames.computeIfAbsent(destination, d -> new LinkedBlockingQueue<>()).drainTo(out);
        return out;
    }

    /** The next STOMP ERROR (or transport failure) text, or null after {@code timeout}. */
    public @Nullable String nextError(Duration timeout) throws InterruptedException {
        return errors.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean connected() {
        return session.isConnected();
    }

    /** Disconnects politely; a session the server already closed (after an ERROR frame) is simply gone. */
    @Override
    public void close() {
        try {
            if (session.isConnected()) {
                session.disconnect();
            }
        } catch (RuntimeException alreadyClosed) {
            // the server closes the socket after an ERROR frame; nothing left to disconnect
        }
    }
}
