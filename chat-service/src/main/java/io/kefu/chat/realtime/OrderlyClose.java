package io.kefu.chat.realtime;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.SessionLimitExceededException;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

/**
 * Spring's per-session send buffer ({@link ConcurrentWebSocketSessionDecorator}), except that a close waits
 * for the frames handed over before it: the STOMP ERROR frame that says why a session ends above all.
 *
 * <p>Why: Spring's STOMP handler writes an ERROR frame and closes the session straight after. While another
 * thread is writing to the same session (a MESSAGE, a pong, a heart-beat, the CONNECTED frame), the ERROR
 * frame only joins the buffer, and Spring's close makes that thread drop whatever is still buffered: the
 * client saw the socket close and never learnt why. Here the close joins the buffer behind the ERROR frame
 * and the thread that writes the frames closes the socket right after writing it. Frames handed over
 * after the close are not written. A client that does not read is closed anyway within the send-time
 * limit ({@code afterSendTimeLimit}), as is a session that exceeded its limits or failed a write.
 */
final class OrderlyClose extends ConcurrentWebSocketSessionDecorator {

    private final Writer writer;
    private final Executor afterSendTimeLimit;
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private volatile boolean closed;
    /** A send was refused for the send-time or buffer limit: the client is not reading, nothing more will reach it. */
    private volatile boolean unreliable;

    /**
     * @param afterSendTimeLimit runs a task once the send-time limit has passed: the close that the frames
     *                           ahead of it did not let happen by then
     */
    OrderlyClose(WebSocketSession session, int sendTimeLimit, int bufferSizeLimit, Executor afterSendTimeLimit) {
        this(new Writer(session), sendTimeLimit, bufferSizeLimit, afterSendTimeLimit);
    }

    private OrderlyClose(Writer writer, int sendTimeLimit, int bufferSizeLimit, Executor afterSendTimeLimit) {
        super(writer, sendTimeLimit, bufferSizeLimit);
        this.writer = writer;
        this.afterSendTimeLimit = afterSendTimeLimit;
        writer.owner = this;
    }

    @Override
    public void sendMessage(WebSocketMessage<?> message) throws IOException {
        if (closeRequested.get()) {
            return; // after the ERROR frame and the close: the client hears nothing more on this session
        }
        try {
            super.sendMessage(message);
        } catch (SessionLimitExceededException e) {
            unreliable = true;
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        close(CloseStatus.NORMAL);
    }

    @Override
    public void close(CloseStatus status) throws IOException {
        if (CloseStatus.SESSION_NOT_RELIABLE.equals(status) || unreliable || writer.failed) {
            closeNow(status); // nothing buffered can reach the client any more
            return;
        }
        if (!closeRequested.compareAndSet(false, true)) {
            return; // already queued: it, or the limit below, closes the session
        }
        try {
            super.sendMessage(new CloseAfterThis(status)); // written (and so the socket closed) in its turn
        } catch (SessionLimitExceededException e) {
            closeNow(CloseStatus.SESSION_NOT_RELIABLE);
            return;
        } catch (IOException | RuntimeException e) {
            closeNow(status); // a write failed: the socket is of no more use
            return;
        }
        if (!closed) {
            // Another thread is still writing the frames ahead of the close (to a slow client, perhaps).
            afterSendTimeLimit.execute(() -> closeNow(CloseStatus.SESSION_NOT_RELIABLE));
        }
    }

    /** Whether a close was asked for and has not happened yet: frames ahead of it are still being written. For tests. */
    boolean closePending() {
        return closeRequested.get() && !closed;
    }

    private void closeNow(CloseStatus status) {
        closed = true;
        try {
            super.close(status);
        } catch (IOException | RuntimeException e) {
            // the socket is gone already
        }
    }

    /** The close, queued as a message of its own behind the frames before it. */
    private record CloseAfterThis(CloseStatus status) implements WebSocketMessage<CloseStatus> {

        @Override
        public CloseStatus getPayload() {
            return status;
        }

        @Override
        public int getPayloadLength() {
            return 0;
        }

        @Override
        public boolean isLast() {
            return true;
        }
    }

    /** Below the buffer: writes the frames one at a time, in order, and carries out the queued close in its turn. */
    private static final class Writer extends WebSocketSessionDecorator {

        private OrderlyClose owner;
        private volatile boolean failed;

        Writer(WebSocketSession delegate) {
            super(delegate);
        }

        @Override
        public void sendMessage(WebSocketMessage<?> message) throws IOException {
            if (message instanceof CloseAfterThis close) {
                owner.closeNow(close.status());
                return;
            }
            try {
                super.sendMessage(message);
            } catch (IOException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }
    }
}
