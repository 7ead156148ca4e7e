package io.kefu.kbai;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.MutableClock;
import io.kefu.testsupport.TestTokens;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one integration-test base of kb-ai-service: every IT extending it shares one application
 * context (one model load, one schema) — keep its properties here, not on the subclasses.
 * Tokens come from the test issuer; HTTP goes to the real server on a random port.
 */
@KefuIntegrationTest(classes = KbAiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // answer/review: crons off, tests call the handlers
        "kefu.jobs.local.kb-answer-retry.cron=", "kefu.jobs.local.kb-review-timeout.cron=", "kefu.jobs.local.kb-transcript-trim.cron=",
        // two tenants whose thresholds put every found item in one band, for the answer policy's tests
        "kefu.kbai.retrieval.tenants[" + KbAiItSupport.DRAFT_BAND_TENANT + "].auto=1.0",
        "kefu.kbai.retrieval.tenants[" + KbAiItSupport.DRAFT_BAND_TENANT + "].draft=0.0",
        "kefu.kbai.retrieval.tenants[" + KbAiItSupport.FAILING_MODEL_TENANT + "].auto=1.0",
        "kefu.kbai.retrieval.tenants[" + KbAiItSupport.FAILING_MODEL_TENANT + "].draft=0.0",
        "kefu.kbai.retrieval.tenants[" + KbAiItSupport.LOW_BAND_TENANT + "].auto=1.0",
        "kefu.kbai.retrieval.tenants[" + KbAiItSupport.LOW_BAND_TENANT + "].draft=1.0"})
@Import(KbAiItSupport.TestClock.class)
public abstract class KbAiItSupport {

    /** The service's clock: real time unless a test moves it (and puts it back, see {@link #clock}). */
    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock();
        }
    }

    /** Every item found is in the middle band (auto threshold 1.0, draft threshold 0). */
    public static final String DRAFT_BAND_TENANT = "0d0d0d0d-0000-4000-8000-00000000d1a1";
    /** Same thresholds, for the model's failures (its circuit breaker opens). */
    public static final String FAILING_MODEL_TENANT = "0d0d0d0d-0000-4000-8000-00000000fa11";
    /** Every item found is in the low band (both thresholds 1.0). */
    public static final String LOW_BAND_TENANT = "0d0d0d0d-0000-4000-8000-000000000104";

    public static final JsonMapper JSON = JsonMapper.builder().build();
    public static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Autowired
    protected JdbcTemplate jdbc;
    @Autowired
    protected Environment environment;
    /** Shared by every test of the context: a test that moves it resets it in {@code @AfterEach}. */
    @Autowired
    protected MutableClock clock;

    @DynamicPropertySource
    static void testIssuer(DynamicPropertyRegistry registry) {
        registry.add("kefu.security.jwk-set-uri", TestTokens::jwkSetUri);
    }

    protected int port() {
        return environment.getRequiredProperty("local.server.port", Integer.class);
    }

    public static String staffToken(UUID staffId, UUID tenantId, String... roles) {
        return TestTokens.token(staffId.toString(), tenantId.toString(), "staff", List.of(roles));
    }

    /** A supervisor's token (with the implied agent role, as auth issues it). */
    public static String supervisor(UUID tenantId) {
        return staffToken(UUID.randomUUID(), tenantId, "supervisor", "agent");
    }

    public static String agent(UUID tenantId) {
        return staffToken(UUID.randomUUID(), tenantId, "agent");
    }

    public record Response(int status, JsonNode body) {
    }

    public Response call(String method, String path, @Nullable Object body, String token) {
        return call(port(), method, path, body, token);
    }

    public static Response call(int port, String method, String path, @Nullable Object body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            String json = body instanceof String s ? s : JSON.writeValueAsString(body);
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
