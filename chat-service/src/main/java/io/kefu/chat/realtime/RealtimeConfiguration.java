package io.kefu.chat.realtime;

import java.util.List;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.security.KefuSecurityCustomizer;
import org.springframework.amqp.core.AnonymousQueue;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;

/**
 * STOMP over a plain WebSocket at {@code /ws} (no SockJS: mini-programs cannot use it), with the
 * in-memory broker for {@code /queue} and {@code /topic}. Each instance's broker only knows its own
 * sessions; {@link RealtimeRelay} carries what is for users on other instances through RabbitMQ. Spring's
 * STOMP support is set up by {@link RealtimeBrokerConfiguration} (in place of {@code @EnableWebSocketMessageBroker}).
 */
@Configuration(proxyBeanMethods = false)
@org.springframework.scheduling.annotation.EnableScheduling
class RealtimeConfiguration implements WebSocketMessageBrokerConfigurer {

    private final RealtimeProperties properties;
    private final JwtDecoder jwtDecoder;

    private final org.springframework.beans.factory.BeanFactory beans;

    RealtimeConfiguration(Environment environment, JwtDecoder jwtDecoder, org.springframework.beans.factory.BeanFactory beans) {
        this.properties = LiveProperties.bind(environment, RealtimeProperties.class).get();
        this.jwtDecoder = jwtDecoder;
        this.beans = beans;
    }

    @Bean
    LiveProperties<RealtimeProperties> realtimeProperties(Environment environment) {
        return LiveProperties.bind(environment, RealtimeProperties.class);
    }

    @Override
    public void registerStompEndpoints(StompEndpointRegistry registry) {
        registry.addEndpoint("/ws").setAllowedOriginPatterns(properties.allowedOrigins().toArray(String[]::new));
        // A session's frames are handled in the order sent: its messages are stored in that order, and a
        // SUBSCRIBE is in place before the frames that follow it.
        registry.setPreserveReceiveOrder(true);
    }

    @Override
    public void configureMessageBroker(MessageBrokerRegistry registry) {
        ThreadPoolTaskScheduler heartbeats = scheduler();
        long beat = properties.heartbeat().toMillis();
        registry.enableSimpleBroker("/queue", "/topic").setHeartbeatValue(new long[] {beat, beat}).setTaskScheduler(heartbeats);
        registry.setApplicationDestinationPrefixes("/app");
        registry.setUserDestinationPrefix(UserFrames.USER_PREFIX);
        registry.setPreservePublishOrder(true); // and frames reach a client in the order they were sent to it
    }

    /**
     * The simple broker finds subscribers in an index by destination ({@link IndexedSubscriptionRegistry}), not by
     * going through every session's subscriptions for each destination it has not cached yet.
     */
    @Bean
    static org.springframework.beans.factory.config.BeanPostProcessor indexedSubscriptions() {
        return new org.springframework.beans.factory.config.BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof org.springframework.messaging.simp.broker.SimpleBrokerMessageHandler broker) {
                    broker.setSubscriptionRegistry(new IndexedSubscriptionRegistry());
                }
                return bean;
            }
        };
    }

    @Override
    public void configureClientInboundChannel(ChannelRegistration registration) {
        registration.interceptors(new FrameGuard(jwtDecoder, SingletonSupplier.of(() -> beans.getBean(SessionTokens.class))),
                new InboundFrameTracing(beans.getBeanProvider(io.micrometer.observation.ObservationRegistry.class)
                        .getIfAvailable(() -> io.micrometer.observation.ObservationRegistry.NOOP)));
    }

    @Override
    public void configureWebSocketTransport(WebSocketTransportRegistration registration) {
        registration.setMessageSizeLimit(properties.messageSizeLimit());
        registration.addDecoratorFactory(handler -> new ConnectDeadline(new PartialMessages(handler, properties.messageSizeLimit()), scheduler(),
                properties.connectTimeout()));
    }

    /**
     * Tomcat's buffers for a session's incoming text and binary messages ({@link #webSocketContainer}),
     * each allocated in full per session: 2,048 (a text buffer holds chars, 4 KB) instead of
     * {@code message-size-limit} (64 KB, 192 KB of heap a session) or Tomcat's 8,192. A STOMP frame is a
     * few hundred bytes; a longer message arrives in parts ({@link PartialMessages}). Spring's STOMP
     * handler would raise the text buffer to 16,640 chars (33 KB a session, sized for SockJS, which chat
     * does not serve) when a session starts: {@link ContainerSizedBuffers} keeps it at this size.
     */
    static final int CONTAINER_BUFFER = 2048;

    private ThreadPoolTaskScheduler scheduler;

    /** One small scheduler for heartbeats and CONNECT deadlines. */
    private synchronized ThreadPoolTaskScheduler scheduler() {
        if (scheduler == null) {
            scheduler = new ThreadPoolTaskScheduler();
            scheduler.setPoolSize(1);
            scheduler.setThreadNamePrefix("stomp-heartbeat-");
            scheduler.initialize();
        }
        return scheduler;
    }

    /**
     * Closes a socket that has not CONNECTed (with a valid token, see {@link FrameGuard}) in time: an idle
     * or half-sent first frame (e.g. no line break after the command) holds a socket for at most this long.
     */
    static final class ConnectDeadline extends org.springframework.web.socket.handler.WebSocketHandlerDecorator {

        private final ThreadPoolTaskScheduler scheduler;
        private final java.time.Duration timeout;

        ConnectDeadline(org.springframework.web.socket.WebSocketHandler delegate, ThreadPoolTaskScheduler scheduler,
                java.time.Duration timeout) {
            super(delegate);
            this.scheduler = scheduler;
            this.timeout = timeout;
        }

        @Override
        public void afterConnectionEstablished(org.springframework.web.socket.WebSocketSession session) throws Exception {
            super.afterConnectionEstablished(session);
            scheduler.schedule(() -> {
                if (session.isOpen() && !session.getAttributes().containsKey(FrameGuard.CONNECTED)) {
                    try {
                        session.close(org.springframework.web.socket.CloseStatus.POLICY_VIOLATION
                                .withReason("CONNECT with a token within " + timeout.toSeconds() + " s"));
                    } catch (java.io.IOException | RuntimeException e) {
                        // already closing
                    }
                }
            }, java.time.Instant.now().plus(timeout));
        }
    }

    /**
     * A message longer than the container's buffer reaches STOMP in parts ({@link PartialMessages}), whose
     * decoder joins a frame's parts up to {@code message-size-limit}: a 10,000-character clientMsgId is
     * answered on the error queue like any bad field, while each idle session holds only
     * {@link #CONTAINER_BUFFER}-sized buffers (Tomcat allocates them whole per session).
     */
    @Bean
    org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean webSocketContainer() {
        var container = new org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(CONTAINER_BUFFER);
        container.setMaxBinaryMessageBufferSize(CONTAINER_BUFFER);
        return container;
    }

    /**
     * Takes WebSocket messages in parts (the container then needs no buffer as large as the largest
     * message; Spring's STOMP decoder joins the parts of a frame), and closes the socket with 1009 (too big)
     * once one message's parts exceed {@code message-size-limit}, as the container did for a whole message.
     */
    static final class PartialMessages extends org.springframework.web.socket.handler.WebSocketHandlerDecorator {

        static final String RECEIVED = PartialMessages.class.getName() + ".received";

        private final int limit;

        PartialMessages(org.springframework.web.socket.WebSocketHandler delegate, int limit) {
            super(delegate);
            this.limit = limit;
        }

        @Override
        public boolean supportsPartialMessages() {
            return true;
        }

        @Override
        public void handleMessage(org.springframework.web.socket.WebSocketSession session, org.springframework.web.socket.WebSocketMessage<?> message)
                throws Exception {
            if (message instanceof org.springframework.web.socket.TextMessage || message instanceof org.springframework.web.socket.BinaryMessage) {
                // Parts of one message arrive one after another on the session's reading thread.
                long received = (long) session.getAttributes().getOrDefault(RECEIVED, 0L) + message.getPayloadLength();
                if (received > limit) {
                    session.getAttributes().remove(RECEIVED);
                    session.close(org.springframework.web.socket.CloseStatus.TOO_BIG_TO_PROCESS
                            .withReason("a message longer than " + limit + " bytes"));
                    return;
                }
                if (message.isLast()) {
                    session.getAttributes().remove(RECEIVED);
                } else {
                    session.getAttributes().put(RECEIVED, received);
                }
            }
            super.handleMessage(session, message);
        }
    }

    /**
     * A session whose message buffer sizes cannot be changed: they stay the container's ({@link #CONTAINER_BUFFER}).
     * Spring's STOMP handler sets the text limit to at least 16,640 when a session starts, and Tomcat then reallocates
     * that session's text buffer (33 KB) at its first frame: 350 MB of heap for 10,500 sessions. Applied with the send
     * buffer, in {@link RealtimeBrokerConfiguration}.
     */
    static final class ContainerSizedBuffers extends org.springframework.web.socket.handler.WebSocketSessionDecorator {

        ContainerSizedBuffers(org.springframework.web.socket.WebSocketSession session) {
            super(session);
        }

        @Override
        public void setTextMessageSizeLimit(int messageSizeLimit) {
            // kept: parts of a longer message are joined by the STOMP decoder, up to message-size-limit
        }

        @Override
        public void setBinaryMessageSizeLimit(int messageSizeLimit) {
            // kept, as the text one
        }
    }

    /** The handshake is open; the CONNECT frame carries the token (browsers cannot set headers on it). */
    @Bean
    KefuSecurityCustomizer realtimeSecurityRules() {
        return new KefuSecurityCustomizer() {
            @Override
            public List<String> publicPaths() {
                return List.of("/ws", "/ws/**");
            }
        };
    }

    @Bean
    FanoutExchange realtimeExchange() {
        return new FanoutExchange(properties.relayExchange(), true, false);
    }

    /** This instance's own queue: exclusive, auto-deleted with the connection, so it never outlives the instance. */
    @Bean
    AnonymousQueue realtimeQueue() {
        return new AnonymousQueue();
    }

    @Bean
    Binding realtimeBinding(AnonymousQueue realtimeQueue, FanoutExchange realtimeExchange) {
        return BindingBuilder.bind(realtimeQueue).to(realtimeExchange);
    }

    @Bean
    SimpleMessageListenerContainer realtimeListener(ConnectionFactory connectionFactory, AnonymousQueue realtimeQueue, RealtimeRelay relay) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueues(realtimeQueue);
        container.setMessageListener(relay);
        container.setPrefetchCount(100);
        return container;
    }
}
