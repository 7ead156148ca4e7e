package io.kefu.chat.realtime;

import io.kefu.chat.ChatApplication;
import io.kefu.chat.ChatItSupport;
import io.kefu.testsupport.KefuIntegrationTest;
import jakarta.servlet.ServletContext;
import jakarta.websocket.server.ServerContainer;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one instance needs to hold issue 15's 10,000 customers and 500 agents (measured by the deploy
 * module's {@code make bench-sockets}): Tomcat takes that many connections at once (its default, 8192, refused
 * the rest), and a session's WebSocket buffers are Tomcat's 8 KB, not the 64 KB message-size limit (Tomcat
 * allocates them whole per session: 192 KB of heap each, 2 GB for 10,500 sessions), and the broker's cache
 * holds every session's subscriptions (a frame to a user whose destination it lacks scans them all). That long frames
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

    @Test
    void tomcatTakesTenThousandFiveHundredSessionsAtOnce() {
        Connector connector = ((TomcatWebServer) ((WebServerApplicationContext) context).getWebServer()).getTomcat().getConnector();
        assertThat(((Number) connector.getProperty("maxConnections")).intValue()).isGreaterThanOrEqualTo(10_500);
    }

    /** A frame to a user is looked up in the broker's cache; a destination it could not hold would scan every session's subscriptions. */
    @Test
    void theBrokerCachesTheSubscriptionsOfTenThousandFiveHundredSessions() {
        var registry = (org.springframework.messaging.simp.broker.DefaultSubscriptionRegistry) context
                .getBean(org.springframework.messaging.simp.broker.SimpleBrokerMessageHandler.class).getSubscriptionRegistry();
        assertThat(registry.getCacheLimit()).isGreaterThanOrEqualTo(5 * 10_500);
    }

    @Test
    void eachSessionGetsSmallBuffersWhateverTheMessageSizeLimit() {
        ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
        assertThat(container.getDefaultMaxTextMessageBufferSize()).isEqualTo(RealtimeConfiguration.CONTAINER_BUFFER).isLessThanOrEqualTo(8192);
        assertThat(container.getDefaultMaxBinaryMessageBufferSize()).isEqualTo(RealtimeConfiguration.CONTAINER_BUFFER);
    }
}
