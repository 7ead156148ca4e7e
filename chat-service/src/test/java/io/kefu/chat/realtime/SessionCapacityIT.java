package io.kefu.chat.realtime;

import io.kefu.chat.ChatApplication;
import io.kefu.chat.ChatItSupport;
import io.kefu.testsupport.KefuIntegrationTest;
import jakarta.servlet.ServletContext;
import jakarta.websocket.server.ServerContainer;
import org.apache.catalina.connector.Connector;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.kefu.testsupport.StompTestClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;
import org.springframework.web.socket.messaging.SubProtocolWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one instance needs to hold issue 15's 10,000 customers and 500 agents (measured by the deploy
 * module's {@code make bench-sockets}): Tomcat takes that many connections at once (its default, 8192, refused
 * the rest), and a session's WebSocket buffers are 2,048 long, not the 64 KB message-size limit nor the 16,640 Spring's
 * STOMP handler asks for (Tomcat allocates them whole per session: 192 KB of heap each, 2 GB for 10,500 sessions), and the broker finds
 * a destination's subscribers by index (a frame to a user whose destination Spring's registry had not cached scanned them all). That long frames
 * still arrive whole, and too long ones still close the socket, is {@link StompBadInputIT}'s.
 * Same configuration as {@link StompBadInputIT}, so both share one application context.
 */
@KefuIntegrationTest(classes = ChatApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"kefu.chat.conversation.send-rate-permits=5", "kefu.chat.conversation.send-rate-period=60s"})
class SessionCapacityIT extends ChatItSupport {

    @Autowired
    ApplicationContext context;
    @Autowired
    ServletContext servletContext;
    @Autowired
    Environment environment;

    @Test
    void tomcatTakesTenThousandFiveHundredSessionsAtOnce() {
        Connector connector = ((TomcatWebServer) ((WebServerApplicationContext) context).getWebServer()).getTomcat().getConnector();
        assertThat(((Number) connector.getProperty("maxConnections")).intValue()).isGreaterThanOrEqualTo(10_500);
    }

    /**
     * A burst of new connections (the gateway opens one per request it has no idle connection for) waits in the listen
     * backlog instead of being dropped: with Tomcat's 100, 500 callbacks/s through the gateway met 1 s connect timeouts.
     */
    @Test
    void aBurstOfNewConnectionsWaitsInTheBacklogRatherThanBeingDropped() {
        Connector connector = ((TomcatWebServer) ((WebServerApplicationContext) context).getWebServer()).getTomcat().getConnector();
        assertThat(((Number) connector.getProperty("acceptCount")).intValue()).isGreaterThanOrEqualTo(1024);
    }

    /** A frame to a user finds its subscriber in the broker's index, not by going through every session's subscriptions. */
    @Test
    void theBrokerFindsSubscribersByDestination() {
        assertThat(context.getBean(org.springframework.messaging.simp.broker.SimpleBrokerMessageHandler.class).getSubscriptionRegistry())
                .isInstanceOf(IndexedSubscriptionRegistry.class);
    }

    @Test
    void eachSessionGetsSmallBuffersWhateverTheMessageSizeLimit() {
        ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
        assertThat(container.getDefaultMaxTextMessageBufferSize()).isEqualTo(RealtimeConfiguration.CONTAINER_BUFFER).isLessThanOrEqualTo(4096);
        assertThat(container.getDefaultMaxBinaryMessageBufferSize()).isEqualTo(RealtimeConfiguration.CONTAINER_BUFFER);
    }

    /**
     * Spring's STOMP handler raises a session's text limit to 16,640 when the session starts, and Tomcat then
     * reallocates the session's text buffer (33 KB of chars) at its first frame: the container's default alone does
     * not say what a live session holds. Tomcat sizes the buffers from the session's limits, read here after frames.
     */
    @Test
    void aLiveStompSessionKeepsTheContainersSmallBuffers() throws Exception {
        Person customer = customer(UUID.randomUUID());
        try (StompTestClient c = StompTestClient.connect("ws://127.0.0.1:" + environment.getRequiredProperty("local.server.port") + "/ws",
                customer.token())) {
            c.subscribe("/user/queue/errors").ready();
            c.send("/app/chat.typing", Map.of());
            assertThat(c.await("/user/queue/errors", Duration.ofSeconds(15), f -> true).path("status").asInt()).isEqualTo(400);
            jakarta.websocket.Session live = tomcatSessionOf(customer);
            assertThat(live.getMaxTextMessageBufferSize()).isEqualTo(RealtimeConfiguration.CONTAINER_BUFFER);
            assertThat(live.getMaxBinaryMessageBufferSize()).isEqualTo(RealtimeConfiguration.CONTAINER_BUFFER);
        }
    }

    /** The container's session behind the user's STOMP session (found through the sub-protocol handler's sessions, by id). */
    jakarta.websocket.Session tomcatSessionOf(Person user) {
        String sessionId = context.getBean(SimpUserRegistry.class).getUser(user.id().toString()).getSessions().iterator().next().getId();
        SubProtocolWebSocketHandler handler = context.getBean(SubProtocolWebSocketHandler.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> sessions = (Map<String, Object>) ReflectionTestUtils.getField(handler, "sessions");
        WebSocketSession session = (WebSocketSession) ReflectionTestUtils.invokeMethod(sessions.get(sessionId), "getSession");
        return ((StandardWebSocketSession) WebSocketSessionDecorator.unwrap(session)).getNativeSession(jakarta.websocket.Session.class);
    }
}
