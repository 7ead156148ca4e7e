package io.kefu.chat.realtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.support.AbstractSubscribableChannel;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.DelegatingWebSocketMessageBrokerConfiguration;
import org.springframework.web.socket.messaging.SubProtocolWebSocketHandler;

/**
 * What {@code @EnableWebSocketMessageBroker} sets up (with {@link RealtimeConfiguration} as its configurer),
 * except that each session's send buffer is an {@link OrderlyClose}: a session ended with a STOMP ERROR
 * frame (a refused frame, an expired or revoked token, a frame that cannot be read, missed heart-beats)
 * is closed only once that frame is written, so the client always learns why; and its buffer sizes stay
 * the container's small ones ({@link RealtimeConfiguration.ContainerSizedBuffers}).
 */
@Configuration(proxyBeanMethods = false)
class RealtimeBrokerConfiguration extends DelegatingWebSocketMessageBrokerConfiguration {

    private static final Executor VIRTUAL_THREAD = task -> Thread.ofVirtual().name("stomp-close").start(task);

    @Bean
    @Override
    public WebSocketHandler subProtocolWebSocketHandler(@Qualifier("clientInboundChannel") AbstractSubscribableChannel clientInboundChannel,
            @Qualifier("clientOutboundChannel") AbstractSubscribableChannel clientOutboundChannel) {
        SubProtocolWebSocketHandler handler = new SubProtocolWebSocketHandler(clientInboundChannel, clientOutboundChannel) {
            @Override
            protected WebSocketSession decorateSession(WebSocketSession session) {
                // The close after a send-time limit runs on a virtual thread: closing a socket whose client does not read blocks.
                return new OrderlyClose(new RealtimeConfiguration.ContainerSizedBuffers(session), getSendTimeLimit(), getSendBufferSizeLimit(),
                        CompletableFuture.delayedExecutor(getSendTimeLimit(), TimeUnit.MILLISECONDS, VIRTUAL_THREAD));
            }
        };
        handler.setPhase(getPhase());
        return handler;
    }
}
