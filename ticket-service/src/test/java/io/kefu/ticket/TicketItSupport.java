package io.kefu.ticket;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.MutableClock;
import io.kefu.testsupport.TestTokens;
import io.kefu.ticket.provider.Providers;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ticket-service's integration tests share this one context (one set of properties: local crons off,
 * tests call the job handlers; a clock tests can move): tokens from the test issuer, HTTP calls, and
 * a tenant with an admin, two providers and their customers made fresh for each test.
 */
@KefuIntegrationTest(classes = TicketApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kefu.jobs.local.ticket-sla-check.cron=", "kefu.jobs.local.ticket-client-expiry.cron=", "kefu.jobs.local.ticket-auto-close.cron=",
        "kefu.jobs.local.ticket-count-fold.cron=",
        "kefu.jobs.local.outbox-housekeeping.cron=", "kefu.jobs.local.remote-call-sweep.cron="})
@Import(TicketItSupport.TestClock.class)
public abstract class TicketItSupport {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    protected static final Duration WAIT = Duration.ofSeconds(20);
    /** The page size of {@link #walk}: small, so that a few rows make several pages. */
    protected static final int PAGE = 7;

    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        @org.springframework.context.annotation.Primary
        MutableClock testClock() {
            return new MutableClock();
        }
    }

    @Autowired
    protected RabbitTemplate rabbit;
    @Autowired
    protected JdbcTemplate jdbc;
    @Autowired
    protected Environment environment;
    @Autowired
    protected Providers providers;
    @Autowired
    protected MutableClock clock;

    protected int port;
    protected UUID tenant;
    protected UUID providerA;
    protected UUID providerB;
    protected String admin;
    protected String agent;
    protected String tokenA;
    protected String tokenB;

    @DynamicPropertySource
    static void testIssuer(DynamicPropertyRegistry registry) {
        registry.add("kefu.security.jwk-set-uri", TestTokens::jwkSetUri);
    }

    @BeforeEach
    void tenantWithTwoProviders() {
        port = environment.getRequiredProperty("local.server.port", Integer.class);
        tenant = UUID.randomUUID();
        providerA = UUID.randomUUID();
        providerB = UUID.randomUUID();
        providers.registered(providerA, tenant, "杭州甲科技", "a-" + providerA, Instant.now());
        providers.registered(providerB, tenant, "宁波乙软件", "b-" + providerB, Instant.now());
        admin = staff(tenant, "admin", "supervisor", "agent");
        agent = staff(tenant, "agent");
        tokenA = provider(providerA, tenant);
        tokenB = provider(providerB, tenant);
    }

    @AfterEach
    void realTime() {
        clock.reset();
    }

    public static String staff(UUID tenantId, String... roles) {
        return TestTokens.token(UUID.randomUUID().toString(), tenantId.toString(), "staff", List.of(roles));
    }

    public static String provider(UUID providerId, UUID tenantId) {
        return TestTokens.token(providerId.toString(), tenantId.toString(), "provider", List.of("provider"));
    }

    public static String customer(UUID customerId, UUID tenantId) {
        return TestTokens.token(customerId.toString(), tenantId.toString(), "customer", List.of("customer"));
    }

    /** A customer of {@code provider} whose licence runs until {@code expiry}; returns its id. */
    protected UUID customerOf(UUID provider, String name, LocalDate expiry) {
        Map<String, Object> body = customerBody(provider, name);
        body.put("expiryDate", expiry.toString());
        Response created = call("POST", "/api/customers", body, admin);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        return UUID.fromString(created.body().get("id").asString());
    }

    protected UUID customerOf(UUID provider, String name) {
        return customerOf(provider, name, LocalDate.now().plusYears(1));
    }

    protected static Map<String, Object> customerBody(UUID provider, String name) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("contactPerson", "王经理");
        body.put("phone", "13800138000");
        body.put("email", "wang@example.com");
        body.put("region", "浙江");
        body.put("softwareVersion", "v3.2.1");
        body.put("portCount", 20);
        body.put("purchaseDate", LocalDate.now().minusYears(1).toString());
        body.put("expiryDate", LocalDate.now().plusYears(1).toString());
        body.put("serviceProviderId", provider.toString());
        return body;
    }

    /** A ticket on {@code customer} opened by {@code token}; returns its id. */
    protected UUID ticket(String token, UUID customer, String title) {
        Response created = call("POST", "/api/tickets", Map.of("customerId", customer.toString(), "title", title, "content", "详细描述",
                "type", "system_issue"), token);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        return UUID.fromString(created.body().get("id").asString());
    }

    public record Response(int status, JsonNode body) {
    }

    protected Response call(String method, String path, @Nullable Object body, @Nullable String token) {
        return call(method, path, body, token, Map.of());
    }

    /** A call with headers of its own (an integration key). */
    protected Response call(String method, String path, @Nullable Object body, @Nullable String token, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        if (body != null) {
            request.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body)));
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
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    protected long outbox(String type, UUID subject) {
        return jdbc.queryForObject("select count(*) from kefu_outbox where event_type = ? and envelope->>'subject' = ?", Long.class, type,
                subject.toString());
    }

    /** Walks {@code path} by page and by cursor, {@value #PAGE} rows a page; both give exactly {@code expected}, in order, with that total. */
    protected void walk(String path, String field, String token, List<String> expected) {
        String sep = path.contains("?") ? "&" : "?";
        List<String> byPage = new ArrayList<>();
        for (int page = 1; ; page++) {
            JsonNode body = ok(path + sep + "pageSize=" + PAGE + "&page=" + page, token);
            assertThat(body.get("page").asInt()).isEqualTo(page);
            assertThat(body.get("total").asLong()).as(path).isEqualTo(expected.size());
            body.get(field).valueStream().forEach(r -> byPage.add(r.get("id").asString()));
            if (body.get(field).size() < PAGE) {
                break;
            }
        }
        List<String> byCursor = new ArrayList<>();
        JsonNode body = ok(path + sep + "pageSize=" + PAGE, token);
        while (true) {
            body.get(field).valueStream().forEach(r -> byCursor.add(r.get("id").asString()));
            JsonNode next = body.get("nextCursor");
            if (next == null || next.isNull()) {
                break;
            }
            body = ok(path + sep + "pageSize=" + PAGE + "&after=" + next.asString(), token);
            assertThat(body.get("page") == null || body.get("page").isNull()).as("no page number after a cursor").isTrue();
        }
        assertThat(byPage).as(path + " by page").containsExactlyElementsOf(expected);
        assertThat(byCursor).as(path + " by cursor").containsExactlyElementsOf(expected);
    }

    protected JsonNode ok(String path, String token) {
        Response r = call("GET", path, null, token);
        assertThat(r.status()).as(path + " " + r.body()).isEqualTo(200);
        return r.body();
    }

    protected List<String> ids(String sql, Object... args) {
        return jdbc.queryForList(sql, UUID.class, args).stream().map(UUID::toString).toList();
    }
}
