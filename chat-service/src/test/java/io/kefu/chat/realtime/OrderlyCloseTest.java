package io.kefu.chat.realtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.Message;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.messaging.StompSubProtocolHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * A session ended with a STOMP ERROR frame, written by Spring's own STOMP handler, while another thread is
 * still writing an earlier frame to the same client (here held up until the test lets it finish).
 */
class OrderlyCloseTest {

    final Socket socket = new Socket();
    /** Tasks for "once the send-time limit has passed", run by the test when it says so. */
    final List<Runnable> afterLimit = Collections.synchronizedList(new ArrayList<>());
    final Executor later = afterLimit::add;
    final StompSubProtocolHandler stomp = new StompSubProtocolHandler();
    Thread writing;

    @AfterEach
    void letTheWriterFinish() throws InterruptedException {
        socket.release.countDown();
        if (writing != null) {
            writing.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    @Test
    void anErrorFrameBufferedBehindAnotherThreadsWriteReachesTheClientBeforeTheSocketCloses() throws Exception {
        OrderlyClose session = new OrderlyClose(socket.session, 10_000, 512 * 1024, later);
        writeHeldUp(session, "MESSAGE pong");

        stomp.handleMessageToClient(session, error("forbidden: you may not subscribe to /topic/x"));

        assertThat(socket.wire).as("the close waits for the frames before it").containsExactly("MESSAGE pong");
        assertThat(session.closePending()).isTrue();
        socket.release.countDown();
        writing.join();
        assertThat(socket.wire).containsExactly("MESSAGE pong", "ERROR forbidden: you may not subscribe to /topic/x",
                "close " + CloseStatus.PROTOCOL_ERROR.getCode());
        assertThat(session.closePending()).isFalse();
    }

    /** Why {@link OrderlyClose} exists: should this start to fail, Spring keeps the frame and the class can go. */
    @Test
    void springsOwnSendBufferLosesThatErrorFrame() throws Exception {
        ConcurrentWebSocketSessionDecorator session = new ConcurrentWebSocketSessionDecorator(socket.session, 10_000, 512 * 1024);
        writeHeldUp(session, "MESSAGE pong");

        stomp.handleMessageToClient(session, error("forbidden: you may not subscribe to /topic/x"));
        socket.release.countDown();
        writing.join();

        assertThat(socket.wire).containsExactly("MESSAGE pong", "close " + CloseStatus.PROTOCOL_ERROR.getCode());
    }

    @Test
    void framesHandedOverAfterTheCloseAreNotWritten() throws Exception {
        OrderlyClose session = new OrderlyClose(socket.session, 10_000, 512 * 1024, later);
        writeHeldUp(session, "MESSAGE pong");

        stomp.handleMessageToClient(session, error("unauthorized: the access token was revoked"));
        session.sendMessage(new TextMessage("MESSAGE too late"));
        socket.release.countDown();
        writing.join();

        assertThat(socket.wire).containsExactly("MESSAGE pong", "ERROR unauthorized: the access token was revoked",
                "close " + CloseStatus.PROTOCOL_ERROR.getCode());
    }

    @Test
    void aClientThatDoesNotReadIsClosedOnceTheSendTimeLimitHasPassed() throws Exception {
        OrderlyClose session = new OrderlyClose(socket.session, 10_000, 512 * 1024, later);
        writeHeldUp(session, "MESSAGE pong");

        stomp.handleMessageToClient(session, error("forbidden: you may not send to /app/chat.evil"));
        assertThat(afterLimit).hasSize(1);
        afterLimit.getFirst().run(); // the limit has passed and the client still has not read the pong

        assertThat(socket.wire).containsExactly("MESSAGE pong", "close " + CloseStatus.SESSION_NOT_RELIABLE.getCode());
        assertThat(session.closePending()).isFalse();
        socket.release.countDown();
        writing.join();
        assertThat(socket.wire).as("nothing after the close").hasSize(2);
    }

    @Test
    void withNoOtherWriteTheErrorFrameIsWrittenAndTheSocketClosedAtOnce() {
        OrderlyClose session = new OrderlyClose(socket.session, 10_000, 512 * 1024, later);

        stomp.handleMessageToClient(session, error("disconnected: this session sent DISCONNECT; connect again"));

        assertThat(socket.wire).containsExactly("ERROR disconnected: this session sent DISCONNECT; connect again",
                "close " + CloseStatus.PROTOCOL_ERROR.getCode());
        assertThat(afterLimit).as("no close left to force").isEmpty();
    }

    @Test
    void aSessionThatExceededItsLimitsIsClosedAtOnce() throws Exception {
        OrderlyClose session = new OrderlyClose(socket.session, 10_000, 512 * 1024, later);
        writeHeldUp(session, "MESSAGE pong");

        session.close(CloseStatus.SESSION_NOT_RELIABLE);

        assertThat(socket.wire).containsExactly("MESSAGE pong", "close " + CloseStatus.SESSION_NOT_RELIABLE.getCode());
    }

    /** Starts writing {@code frame} on another thread and returns once the socket holds it up. */
    private void writeHeldUp(WebSocketSession session, String frame) throws InterruptedException {
        socket.holdNextWrite = true;
        writing = Thread.ofPlatform().start(() -> {
            try {
                session.sendMessage(new TextMessage(frame));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(socket.writing.await(10, TimeUnit.SECONDS)).isTrue();
    }

    private static Message<byte[]> error(String reason) {
        StompHeaderAccessor error = StompHeaderAccessor.create(StompCommand.ERROR);
        error.setMessage(reason);
        error.setSessionId("s1");
        return MessageBuilder.createMessage(new byte[0], error.getMessageHeaders());
    }

    /** The client's end as the server sees it: what was written, in order; a write can be held up until {@link #release}. */
    static final class Socket {

        final List<String> wire = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean holdNextWrite;
        final WebSocketSession session = mock(WebSocketSession.class);

        Socket() {
            try {
                when(session.getId()).thenReturn("s1");
                when(session.isOpen()).thenReturn(true);
                doAnswer(call -> {
                    WebSocketMessage<?> message = call.getArgument(0);
                    String text = message instanceof TextMessage t ? t.getPayload() : String.valueOf(message.getPayload());
                    wire.add(text.startsWith("ERROR") ? "ERROR " + header(text, "message") : text);
                    if (holdNextWrite) {
                        holdNextWrite = false;
                        writing.countDown();
                        release.await();
                    }
                    return null;
                }).when(session).sendMessage(any());
                doAnswer(call -> wire.add("close " + call.<CloseStatus>getArgument(0).getCode())).when(session).close(any(CloseStatus.class));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String header(String frame, String name) {
            return frame.lines().filter(l -> l.startsWith(name + ":")).findFirst().map(l -> l.substring(name.length() + 1)).orElse("")
                    .replace("\\c", ":");
        }
    }
}
