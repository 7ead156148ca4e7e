package io.kefu.chat.realtime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.kefu.chat.ChatApplication;
import io.kefu.chat.ChatItSupport;
import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.StompTestClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input over STOMP: every command is validated as its HTTP twin and every refusal is answered on
 * {@code /user/queue/errors} (never silence); a frame after DISCONNECT takes no effect; a socket that does
 * not CONNECT in time (idle, or a first frame with no line break after its command) is closed.
 * Same configuration as {@link StompDeliveryIT}, so both share one application context.
 */
@KefuIntegrationTest(classes = ChatApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"kefu.chat.conversation.send-rate-permits=5", "kefu.chat.conversation.send-rate-period=60s"})
class StompBadInputIT extends ChatItSupport {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final String NUL = String.valueOf((char) 0);

    @Autowired
    Environment environment;
    @Autowired
    JdbcTemplate jdbc;

    String ws() {
        return "ws://127.0.0.1:" + environment.getRequiredProperty("local.server.port") + "/ws";
    }

    long stored(String clientMsgId) {
        return jdbc.queryForObject("select count(*) from message where client_msg_id = ?", Long.class, clientMsgId);
    }

    @Test
    void anOverLongClientMsgIdIsRefusedOnTheErrorQueueAsOverHttp() throws Exception {
        Person customer = customer(UUID.randomUUID());
        String clientMsgId = "x".repeat(10_000);
        try (StompTestClient c = StompTestClient.connect(ws(), customer.token())) {
            c.subscribe("/user/queue/errors").subscribe("/user/queue/acks").ready();
            c.send("/app/chat.send", Map.of("content", "hi", "clientMsgId", clientMsgId));
            JsonNode error = c.await("/user/queue/errors", WAIT, f -> true);
            assertThat(error.path("code").asString()).isEqualTo("validation-failed");
            assertThat(error.path("status").asInt()).isEqualTo(400);
            assertThat(error.path("errors").toString()).contains("clientMsgId");
            assertThat(error.path("destination").asString()).isEqualTo("/app/chat.send");
            assertThat(c.drain("/user/queue/acks")).isEmpty();
            assertThat(stored(clientMsgId.substring(0, 64))).isZero();
        }
    }

    /** Every chat destination, each with bodies its HTTP twin refuses: every one answers with a 4xx on the error queue. */
    @Test
    void everyCommandAnswersEveryBadBodyOnTheErrorQueue() throws Exception {
        Person customer = customer(UUID.randomUUID());
        Map<String, List<Object>> bad = Map.of(
                "/app/chat.send", List.of(Map.of(), Map.of("content", ""), Map.of("content", "x".repeat(4001)),
                        Map.of("content", "a" + NUL + "b"), Map.of("content", "hi", "clientMsgId", "c" + NUL),
                        Map.of("content", "hi", "conversationId", "not-a-uuid"), Map.of("content", "hi", "extra", Map.of("k", NUL)),
                        List.of(1, 2), "just a string"),
                "/app/chat.delivered", List.of(Map.of(), Map.of("messageIds", List.of()), Map.of("messageIds", List.of("nope")),
                        Map.of("messageIds", java.util.Collections.nCopies(501, UUID.randomUUID().toString()))),
                "/app/chat.read", List.of(Map.of(), Map.of("messageIds", List.of(NUL))),
                "/app/chat.typing", List.of(Map.of(), Map.of("conversationId", NUL), Map.of("conversationId", UUID.randomUUID())));
        try (StompTestClient c = StompTestClient.connect(ws(), customer.token())) {
            c.subscribe("/user/queue/errors").ready();
            for (Map.Entry<String, List<Object>> destination : bad.entrySet()) {
                for (Object body : destination.getValue()) {
                    c.send(destination.getKey(), body);
                    JsonNode error = c.await("/user/queue/errors", WAIT, f -> true);
                    assertThat(error.path("status").asInt()).as("%s %s: %s", destination.getKey(), body, error).isBetween(400, 499);
                    assertThat(error.path("destination").asString()).isEqualTo(destination.getKey());
                }
            }
            assertThat(c.connected()).isTrue();
        }
        assertThat(jdbc.queryForObject("select count(*) from message m join conversation c on c.id = m.conversation_id "
                + "where c.customer_id = ?", Long.class, customer.id())).isZero();
    }

    @Test
    void aSendAfterDisconnectOnTheSameSocketTakesNoEffect() throws Exception {
        Person customer = customer(UUID.randomUUID());
        try (RawStomp raw = RawStomp.open(ws())) {
            raw.frame("CONNECT\naccept-version:1.2\nhost:kefu\nAuthorization:Bearer " + customer.token() + "\n\n");
            assertThat(raw.next(WAIT)).startsWith("CONNECTED");
            raw.frame("DISCONNECT\nreceipt:bye\n\n");
            assertThat(raw.next(WAIT)).startsWith("RECEIPT");
            raw.frame("SEND\ndestination:/app/chat.send\ncontent-type:application/json\n\n{\"content\":\"after\",\"clientMsgId\":\"late-"
                    + customer.id() + "\"}");
            // Answered (an ERROR frame saying why, then the socket closes), never taken.
            assertThat(raw.next(WAIT)).startsWith("ERROR").contains("DISCONNECT");
            assertThat(raw.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1002);
        }
        assertThat(stored("late-" + customer.id())).isZero();
    }

    /** Longer than the container's 8 KB buffer, the frame above arrived in parts and was joined; beyond the limit it is not. */
    @Test
    void aMessageOverTheSizeLimitClosesTheSocketAsTooBig() throws Exception {
        Person customer = customer(UUID.randomUUID());
        String clientMsgId = "too-big-" + customer.id();
        try (RawStomp raw = RawStomp.open(ws())) {
            raw.frame("CONNECT\naccept-version:1.2\nhost:kefu\nAuthorization:Bearer " + customer.token() + "\n\n");
            assertThat(raw.next(WAIT)).startsWith("CONNECTED");
            try {
                raw.frame("SEND\ndestination:/app/chat.send\ncontent-type:application/json\n\n{\"content\":\"" + "字".repeat(30_000)
                        + "\",\"clientMsgId\":\"" + clientMsgId + "\"}");
            } catch (java.util.concurrent.CompletionException closedWhileSending) {
                // the server may close before the last part is written
            }
            assertThat(raw.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1009);
        }
        assertThat(stored(clientMsgId)).isZero();
    }

    @Test
    void aSocketThatDoesNotConnectInTimeIsClosed() throws Exception {
        try (RawStomp idle = RawStomp.open(ws()); RawStomp broken = RawStomp.open(ws())) {
            // A first frame with no line break after its command: the decoder waits for the rest.
            broken.frame("CONNECT");
            assertThat(idle.closed.get(40, TimeUnit.SECONDS)).isEqualTo(1008);
            assertThat(broken.closed.get(40, TimeUnit.SECONDS)).isEqualTo(1008);
        }
    }

    /** A bare WebSocket speaking STOMP text frames, to send what a well-behaved client never would. */
    static final class RawStomp implements AutoCloseable, WebSocket.Listener {

        final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static RawStomp open(String url) throws Exception {
            RawStomp raw = new RawStomp();
            raw.socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("v12.stomp")
                    .buildAsync(URI.create(url), raw).get(20, TimeUnit.SECONDS);
            return raw;
        }

        void frame(String text) {
            socket.sendText(text.endsWith("CONNECT") ? text : text + NUL, true).join();
        }

        /** The next frame, or null once the socket is closed. */
        @Nullable String next(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String frame = frames.poll(100, TimeUnit.MILLISECONDS);
                if (frame != null && !frame.isBlank()) {
                    return frame;
                }
                if (closed.isDone() && frames.isEmpty()) {
                    return null;
                }
            }
            throw new AssertionError("no frame and no close within " + timeout);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }

        @Override
        public void close() {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
            }
            socket.abort();
        }
    }
}
