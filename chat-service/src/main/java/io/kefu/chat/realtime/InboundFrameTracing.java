package io.kefu.chat.realtime;

import java.util.ArrayDeque;
import java.util.Deque;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.annotation.support.SimpAnnotationMethodMessageHandler;
import org.springframework.messaging.support.ExecutorChannelInterceptor;
import org.springframework.messaging.support.NativeMessageHeaderAccessor;

/**
 * Handles each client SEND frame to an application destination ({@code /app/chat.send}, …) inside an
 * observation, hence a span: what the frame causes (the stored message, its {@code chat.message.received.v1}
 * with this trace, the ack) belongs to one trace instead of none. A frame that carries a W3C
 * {@code traceparent} header continues the client's trace; otherwise the frame starts one.
 *
 * <p>Only the annotated-method handler is observed: the inbound channel hands every frame to the broker
 * and user-destination handlers as well, which would make three spans of one frame.
 */
final class InboundFrameTracing implements ExecutorChannelInterceptor {

    static final String NAME = "kefu.stomp.inbound";

    /** Scopes opened on this thread, closed in reverse (a handler may send a frame that is handled inline). */
    private static final ThreadLocal<Deque<Observation.Scope>> SCOPES = ThreadLocal.withInitial(ArrayDeque::new);

    private final ObservationRegistry registry;

    InboundFrameTracing(ObservationRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Message<?> beforeHandle(Message<?> message, MessageChannel channel, MessageHandler handler) {
        if (!observed(message, handler)) {
            return message;
        }
        String destination = SimpMessageHeaderAccessor.getDestination(message.getHeaders());
        ReceiverContext<Message<?>> context = new ReceiverContext<>(InboundFrameTracing::nativeHeader, Kind.SERVER);
        context.setCarrier(message);
        context.setRemoteServiceName("stomp-client");
        Observation observation = Observation.createNotStarted(NAME, () -> context, registry)
                .contextualName("STOMP SEND " + destination)
                .lowCardinalityKeyValue("destination", destination) // the application's few /app/... mappings
                .highCardinalityKeyValue("session", String.valueOf(SimpMessageHeaderAccessor.getSessionId(message.getHeaders())))
                .start();
        SCOPES.get().push(observation.openScope());
        return message;
    }

    @Override
    public void afterMessageHandled(Message<?> message, MessageChannel channel, MessageHandler handler, @Nullable Exception ex) {
        if (!observed(message, handler) || SCOPES.get().isEmpty()) {
            return;
        }
        Observation.Scope scope = SCOPES.get().pop();
        Observation observation = scope.getCurrentObservation();
        scope.close();
        if (ex != null) {
            observation.error(ex);
        }
        observation.stop();
    }

    /** A client's SEND to an application destination, as the annotated-method handler receives it. */
    private static boolean observed(Message<?> message, MessageHandler handler) {
        return handler instanceof SimpAnnotationMethodMessageHandler
                && SimpMessageHeaderAccessor.getMessageType(message.getHeaders()) == SimpMessageType.MESSAGE
                && SimpMessageHeaderAccessor.getDestination(message.getHeaders()) != null;
    }

    private static @Nullable String nativeHeader(Message<?> message, String key) {
        NativeMessageHeaderAccessor accessor = org.springframework.messaging.support.MessageHeaderAccessor.getAccessor(message,
                NativeMessageHeaderAccessor.class);
        if (accessor != null) {
            return accessor.getFirstNativeHeader(key);
        }
        @SuppressWarnings("unchecked")
        var headers = (java.util.Map<String, java.util.List<String>>) message.getHeaders().get(NativeMessageHeaderAccessor.NATIVE_HEADERS);
        java.util.List<String> values = headers == null ? null : headers.get(key);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
