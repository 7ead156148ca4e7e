package io.kefu.ticket;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Integration tests whose calls go out to push-service: WireMock plays its internal API
 * ({@code POST /internal/push/send}, answering 202 as push does), and {@link #configure} points the
 * service at it with settings of the test's own, applied hot (as a Nacos push would) and forgotten after
 * each test.
 */
public abstract class PushItSupport extends TicketItSupport {

    /** One server for the test JVM, started by the first class that needs it (a restarted one would move port). */
    protected static final WireMockServer PUSH = new WireMockServer(options().dynamicPort());
    static final String SOURCE = "push-it-settings";

    @Autowired
    ConfigurableEnvironment env;
    @Autowired
    ApplicationContext context;

    private final Set<String> configured = new HashSet<>();

    @BeforeAll
    static synchronized void startPush() {
        if (!PUSH.isRunning()) {
            PUSH.start();
        }
    }

    @BeforeEach
    void pushAccepts() {
        PUSH.resetAll();
        pushAnswersAccepted();
    }

    @AfterEach
    void forgetTheSettings() {
        env.getPropertySources().remove(SOURCE);
        context.publishEvent(new EnvironmentChangeEvent(context, Set.copyOf(configured)));
        configured.clear();
    }

    /** push-service's answer to a send: 202 with the message id. */
    protected static void pushAnswersAccepted() {
        PUSH.stubFor(post(urlEqualTo("/internal/push/send")).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"messageId\":\"" + UUID.randomUUID() + "\",\"status\":\"queued\",\"duplicate\":false}")));
    }

    /** These settings, and {@code kefu.ticket.links.push-url} pointing at {@link #PUSH}, replace the test's earlier ones at once. */
    protected void configure(Map<String, Object> values) {
        Map<String, Object> settings = new HashMap<>(values);
        settings.put("kefu.ticket.links.push-url", PUSH.baseUrl());
        env.getPropertySources().remove(SOURCE);
        env.getPropertySources().addFirst(new MapPropertySource(SOURCE, settings));
        configured.addAll(settings.keySet());
        context.publishEvent(new EnvironmentChangeEvent(context, Set.copyOf(configured)));
    }
}
