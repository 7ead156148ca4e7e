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
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;

/**
 * STOMP over a plain WebSocket at {@code /ws} (no SockJS: mini-programs cannot use it), with the
 * in-memory broker for {@code /queue} and {@code /topic}. Each instance's broker only knows its own
 * sessions; {@link RealtimeRelay} carries what is for users on other instances through RabbitMQ.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocketMessageBroker
@org.springframework.scheduling.annotation.EnableScheduling
class RealtimeConfiguration implements WebSocketMessageBrokerConfigurer {

    static final String EXCHANGE = "kefu.chat.realtime";

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
        ThreadPoolTaskScheduler heartbeats = new ThreadPoolTaskScheduler();
        heartbeats.setPoolSize(1);
        heartbeats.setThreadNamePrefix("stomp-heartbeat-");
        heartbeats.initialize();
        long beat = properties.heartbeat().toMillis();
        registry.enableSimpleBroker("/queue", "/topic").setHeartbeatValue(new long[] {beat, beat}).setTaskScheduler(heartbeats);
        registry.setApplicationDestinationPrefixes("/app");
        registry.setUserDestinationPrefix("/user");
        registry.setPreservePublishOrder(true); // and frames reach a client in the order they were sent to it
    }

    @Override
    public void configureClientInboundChannel(ChannelRegistration registration) {
        registration.interceptors(new FrameGuard(jwtDecoder, SingletonSupplier.of(() -> beans.getBean(SessionTokens.class))));
    }

    @Override
    public void configureWebSocketTransport(WebSocketTransportRegistration registration) {
        registration.setMessageSizeLimit(properties.messageSizeLimit());
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
        return new FanoutExchange(EXCHANGE, true, false);
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
