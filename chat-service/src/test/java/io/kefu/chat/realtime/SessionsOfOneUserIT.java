package io.kefu.chat.realtime;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.kefu.chat.ChatItSupport;
import io.kefu.testsupport.StompTestClient;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many sessions of one user on one instance (tabs, devices, a client reconnecting in a loop), pinging at
 * once while other sessions of the same user connect and disconnect. Each frame for a user is addressed to
 * each of their sessions; a session that ended meanwhile must not turn its copy into one for all the others
 * (Spring's resolver falls back to every session of the user for a session it no longer knows, and its
 * ordered delivery cannot hand one message to several sessions: "Expected mutable SimpMessageHeaderAccessor",
 * and the frame is lost for all but one of them, which gets it twice).
 */
class SessionsOfOneUserIT extends ChatItSupport {

    static final int SESSIONS = 40;
    static final int PINGS = 15;
    static final int CHURNERS = 6;
    static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired
    Environment environment;

    String ws() {
        return "ws://127.0.0.1:" + environment.getRequiredProperty("local.server.port") + "/ws";
    }

    /** What one session received on {@code /user/queue/pong}: nonce → how many times. */
    record Received(StompTestClient client, Map<String, AtomicInteger> pongs) {
        int count(String nonce) {
            AtomicInteger n = pongs.get(nonce);
            return n == null ? 0 : n.get();
        }
    }

    @Test
    void everySessionOfAUserGetsEachPongOnceWhileOtherSessionsOfThatUserConnectAndDisconnect() throws Exception {
        Person customer = customer(UUID.randomUUID());
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        List<Received> sessions = new ArrayList<>();
        AtomicBoolean pinging = new AtomicBoolean(true);
        LongAdder churned = new LongAdder();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            // Sessions of one user connecting while others go away: a frame is addressed to each session the
            // registry held when it was sent, some of which have ended by the time Spring resolves it.
            List<Future<?>> churn = new ArrayList<>();
            for (int i = 0; i < CHURNERS; i++) {
                churn.add(pool.submit(() -> {
                    while (pinging.get()) {
                        try (StompTestClient brief = StompTestClient.connect(ws(), customer.token())) {
                            brief.subscribe("/user/queue/pong");
                            brief.send("/app/chat.ping", Map.of("nonce", "brief-" + UUID.randomUUID()));
                        }
                        churned.increment();
                    }
                    return null;
                }));
            }

            // Forty sessions of the same user connect at once and each pings as soon as it is connected.
            List<Future<Received>> opening = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                opening.add(pool.submit(() -> {
                    Map<String, AtomicInteger> pongs = new ConcurrentHashMap<>();
                    StompTestClient client = StompTestClient.connect(ws(), customer.token());
                    client.subscribe("/user/queue/pong",
                            f -> pongs.computeIfAbsent(f.path("nonce").asString(), n -> new AtomicInteger()).incrementAndGet());
                    client.subscribe("/user/queue/errors");
                    return new Received(client, pongs);
                }));
            }
            for (Future<Received> f : opening) {
                sessions.add(f.get(60, TimeUnit.SECONDS));
            }

            List<List<String>> nonces = new ArrayList<>();
            List<Future<?>> pings = new ArrayList<>();
            for (Received session : sessions) {
                List<String> own = new ArrayList<>();
                for (int p = 0; p < PINGS; p++) {
                    own.add(UUID.randomUUID().toString());
                }
                nonces.add(own);
                pings.add(pool.submit(() -> {
                    for (String nonce : own) {
                        session.client().send("/app/chat.ping", Map.of("nonce", nonce));
                        Thread.sleep(100);
                    }
                    return null;
                }));
            }
            for (Future<?> f : pings) {
                f.get(60, TimeUnit.SECONDS);
            }

            // Every session gets its own pongs (a pong goes to each session of the user, so others' too).
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && !everyPongArrived(sessions, nonces)) {
                Thread.sleep(100);
            }
            pinging.set(false);
            for (Future<?> f : churn) {
                f.get(60, TimeUnit.SECONDS);
            }
            Thread.sleep(500); // frames still on their way would show up as duplicates

            List<String> missing = new ArrayList<>();
            List<String> twice = new ArrayList<>();
            for (int i = 0; i < sessions.size(); i++) {
                Received s = sessions.get(i);
                for (String n : nonces.get(i)) {
                    if (s.count(n) == 0) {
                        missing.add("session " + i + " nonce " + n);
                    }
                }
                for (Map.Entry<String, AtomicInteger> e : s.pongs().entrySet()) {
                    if (e.getValue().get() > 1) {
                        twice.add("session " + i + " got " + e.getKey() + " " + e.getValue().get() + " times");
                    }
                }
            }
            List<String> failures = log.list.stream().filter(SessionsOfOneUserIT::expectedMutable)
                    .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
            System.out.printf("SessionsOfOneUserIT: %d sessions × %d pings, %d brief sessions churned, %d missing pongs, %d duplicated,"
                    + " %d 'Expected mutable' log events%n", SESSIONS, PINGS, churned.sum(), missing.size(), twice.size(), failures.size());

            assertThat(churned.sum()).as("sessions of the user came and went meanwhile").isPositive();
            assertThat(failures).as("no frame handed to several sessions as one message").isEmpty();
            assertThat(missing).as("each session got the pong of each of its pings").isEmpty();
            assertThat(twice).as("no session got a frame meant for another session of the user").isEmpty();
            for (Received s : sessions) {
                assertThat(s.client().drain("/user/queue/errors")).isEmpty();
                assertThat(s.client().connected()).isTrue();
            }
        } finally {
            pinging.set(false);
            root.detachAppender(log);
            sessions.forEach(s -> s.client().close());
            pool.shutdown();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** Addressed to the session's own queue, a frame still shows the client the destination it subscribed to. */
    @Test
    void aFrameToASessionCarriesTheUserDestinationItSubscribedTo() throws Exception {
        Person customer = customer(UUID.randomUUID());
        var client = new WebSocketStompClient(
                new StandardWebSocketClient());
        client.setMessageConverter(new ByteArrayMessageConverter() {
            @Override
            protected boolean supportsMimeType(MessageHeaders headers) {
                return true; // the ping goes out as JSON bytes made here
            }
        });
        var connect = new StompHeaders();
        connect.add("Authorization", "Bearer " + customer.token());
        var session = client.connectAsync(ws(), new WebSocketHttpHeaders(), connect,
                new StompSessionHandlerAdapter() { }).get(20, TimeUnit.SECONDS);
        try {
            var destinations = new LinkedBlockingQueue<String>();
            session.subscribe("/user/queue/pong", new StompFrameHandler() {
                @Override
                public Type getPayloadType(StompHeaders headers) {
                    return byte[].class;
                }

                @Override
                public void handleFrame(StompHeaders headers, Object payload) {
                    destinations.add(String.valueOf(headers.getDestination()));
                }
            });
            var ping = new StompHeaders();
            ping.setDestination("/app/chat.ping");
            ping.setContentType(MimeTypeUtils.APPLICATION_JSON);
            session.send(ping, "{\"nonce\":\"n\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(destinations.poll(15, TimeUnit.SECONDS)).isEqualTo("/user/queue/pong");
        } finally {
            session.disconnect();
        }
    }

    private static boolean everyPongArrived(List<Received> sessions, List<List<String>> nonces) {
        for (int i = 0; i < sessions.size(); i++) {
            for (String n : nonces.get(i)) {
                if (sessions.get(i).count(n) == 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean expectedMutable(ILoggingEvent event) {
        if (String.valueOf(event.getFormattedMessage()).contains("Expected mutable")) {
            return true;
        }
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("Expected mutable")) {
                return true;
            }
        }
        return false;
    }
}
