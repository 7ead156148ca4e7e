package io.kefu.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.kefu.gateway.TestTokens.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Time limits and circuit breakers: a service that is down answers 503 at once, a slow one 504 at
 * its configured time limit, and after enough failures the breaker opens. Own context: push points
 * at a port nothing listens on, stats has a 1 s limit, push's breaker opens after 4 calls.
 */
class UpstreamFailureIT extends GatewayTestSupport {

    static final int DEAD_PORT = freePort();

    @DynamicPropertySource
    static void failingServices(DynamicPropertyRegistry registry) {
        registry.add("kefu.test.push-url", () -> "http://127.0.0.1:" + DEAD_PORT);
        registry.add("resilience4j.timelimiter.instances.stats.timeout-duration", () -> "1s");
        registry.add("resilience4j.circuitbreaker.instances.push.sliding-window-size", () -> "4");
        registry.add("resilience4j.circuitbreaker.instances.push.minimum-number-of-calls", () -> "4");
        registry.add("resilience4j.circuitbreaker.instances.push.wait-duration-in-open-state", () -> "60s");
    }

    @Autowired
    CircuitBreakerRegistry breakers;

    @Test
    void aStoppedServiceAnswers503WithinASecondAndItsBreakerOpens() {
        for (int i = 0; i < 4; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = call("POST", "/api/push/templates", TestTokens.token(Role.ADMIN));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(problemCode(response)).isEqualTo("service-unavailable");
            assertThat(took).isLessThan(Duration.ofSeconds(1));
        }
        assertThat(breakers.circuitBreaker("push").getState()).isEqualTo(CircuitBreaker.State.OPEN);

        long start = System.nanoTime();
        HttpResponse<String> whileOpen = call("POST", "/api/push/templates", TestTokens.token(Role.ADMIN));
        assertThat(whileOpen.statusCode()).isEqualTo(503);
        assertThat(problemCode(whileOpen)).isEqualTo("service-unavailable");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
    }

    @Test
    void aSlowServiceAnswers504AtItsTimeLimit() {
        service("stats").stubFor(get("/api/stats/overview").willReturn(aResponse().withStatus(200).withFixedDelay(4000)));

        long start = System.nanoTime();
        HttpResponse<String> response = call("GET", "/api/stats/overview", TestTokens.token(Role.SUPERVISOR));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(504);
        assertThat(problemCode(response)).isEqualTo("gateway-timeout");
        assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofMillis(2500));
    }

    @Test
    void platformCallbacksReachChatWhileTheBreakerOfItsApiIsOpen() {
        CircuitBreaker chat = breakers.circuitBreaker("chat");
        chat.transitionToForcedOpenState();
        try {
            HttpResponse<String> api = call("GET", "/api/conversations", TestTokens.token(Role.AGENT));
            assertThat(api.statusCode()).as("the API behind the open breaker").isEqualTo(503);

            HttpResponse<String> callback = call("POST", "/callback/mp/wx0123456789abcdef?signature=s&timestamp=1&nonce=n", null);
            assertThat(callback.statusCode()).as("WeChat's callback, which must not be refused: " + callback.body()).isEqualTo(200);
            assertThat(callback.body()).isEqualTo("chat");
        } finally {
            chat.transitionToClosedState();
        }
    }

    @Test
    void aFastServiceBehindTheSameFiltersIsUnaffected() {
        assertThat(call("GET", "/api/stats/overview", TestTokens.token(Role.SUPERVISOR)).statusCode()).isEqualTo(200);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
