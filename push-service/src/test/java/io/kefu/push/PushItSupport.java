package io.kefu.push;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.TestTokens;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one Spring context of push-service's integration tests: real PostgreSQL, Redis and RabbitMQ,
 * every provider played by one WireMock (hosts configured to it, private URLs allowed so webhooks can
 * reach it on 127.0.0.1), crons off (tests run the job handlers). Each test uses a tenant of its own.
 */
@KefuIntegrationTest(classes = PushApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kefu.jobs.local.push-dispatch-due.cron=",
        "kefu.jobs.local.push-lease-expiry.cron=",
        "kefu.jobs.local.push-retention-cleanup.cron=",
        "kefu.push.senders.allow-private-urls=true",
        "kefu.push.senders.timeout=10s",
        "kefu.push.senders.aliyun.access-key-id=test-access-key",
        "kefu.push.senders.aliyun.access-key-secret=test-secret",
        "kefu.push.senders.tencent.secret-id=AKIDtest",
        "kefu.push.senders.tencent.secret-key=tencent-secret",
        "kefu.push.senders.tencent.sdk-app-id=1400000001",
        "kefu.push.senders.jpush.app-key=jpush-app",
        "kefu.push.senders.jpush.master-secret=jpush-secret",
        "kefu.push.senders.feishu.bot-secrets.hook-signed=bot-secret",
        "kefu.push.senders.wechat.mp-app-id=wx-mp-push-it",
        "kefu.push.senders.wechat.wecom-corp-id=ww-push-it",
        "kefu.push.senders.wechat.wecom-agent-id=1000002",
        "kefu.push.senders.wechat.miniapp-id=wx-ma-push-it",
        "kefu.push.senders.wechat.miniapp-secret=ma-secret",
        "kefu.push.dispatch.backoff=200ms",
        "kefu.push.dispatch.max-attempts=3",
        "kefu.push.pacing.channel-per-second.sms=100000"})
public abstract class PushItSupport {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    public static final WireMockServer WIREMOCK = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(40));
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The SMTP port every test context points spring.mail at (GreenMail listens there in EmailSenderIT). */
    public static final int SMTP_PORT = freePort();

    static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static {
        WIREMOCK.start();
        Runtime.getRuntime().addShutdownHook(new Thread(WIREMOCK::stop));
    }

    @DynamicPropertySource
    static void playedParties(DynamicPropertyRegistry registry) {
        registry.add("kefu.security.jwk-set-uri", TestTokens::jwkSetUri);
        registry.add("kefu.push.senders.aliyun.base-url", WIREMOCK::baseUrl);
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> SMTP_PORT);
        registry.add("kefu.push.senders.email.from", () -> "noreply@kefu.test");
        registry.add("kefu.push.senders.tencent.base-url", WIREMOCK::baseUrl);
        registry.add("kefu.push.senders.jpush.base-url", WIREMOCK::baseUrl);
        registry.add("kefu.push.senders.feishu.base-url", WIREMOCK::baseUrl);
        registry.add("kefu.push.senders.wechat.api-base-url", WIREMOCK::baseUrl);
        registry.add("kefu.push.senders.wechat.wecom-base-url", WIREMOCK::baseUrl);
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected JdbcTemplate jdbc;

    public record Response(int status, JsonNode body) {
        public String code() {
            return body.path("code").asString();
        }
    }

    public static String admin(UUID tenantId) {
        return TestTokens.token(UUID.randomUUID().toString(), tenantId.toString(), "staff", List.of("admin", "supervisor", "agent"));
    }

    public static String agent(UUID tenantId) {
        return TestTokens.token(UUID.randomUUID().toString(), tenantId.toString(), "staff", List.of("agent"));
    }

    public Response call(String method, String path, @Nullable Object body, String token) {
        return call(method, path, body, token, Map.of());
    }

    public Response call(String method, String path, @Nullable Object body, String token, Map<String, String> headers) {
        String json = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token);
        headers.forEach(request::header);
        if (json != null) {
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
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * {@code server} answers every SendSms and SendBatchSms with Aliyun's success body (stubs of higher priority may
     * answer some otherwise).
     */
    public static void aliyunAnswersOk(WireMockServer server) {
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matching("(.*&)?Action=Send(Batch)?Sms(&.*)?"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"Code\":\"OK\",\"Message\":\"OK\",\"BizId\":\"b\",\"RequestId\":\"r\"}")));
    }

    /**
     * The numbers an Aliyun request (form body) carries: {@code PhoneNumbers} of a {@code SendSms}, or each of the
     * {@code PhoneNumberJson} array of a {@code SendBatchSms} — what the no-double-send checks count, not requests.
     */
    public static List<String> aliyunRecipients(String form) {
        List<String> phones = new java.util.ArrayList<>();
        for (String pair : form.split("&")) {
            if (pair.startsWith("PhoneNumbers=")) {
                phones.add(java.net.URLDecoder.decode(pair.substring("PhoneNumbers=".length()), java.nio.charset.StandardCharsets.UTF_8));
            } else if (pair.startsWith("PhoneNumberJson=")) {
                JSON.readTree(java.net.URLDecoder.decode(pair.substring("PhoneNumberJson=".length()), java.nio.charset.StandardCharsets.UTF_8))
                        .forEach(phone -> phones.add(phone.asString()));
            }
        }
        return phones;
    }

    /** How many times the played Aliyun received {@code phone}, in SendSms and SendBatchSms requests alike. */
    public static int aliyunReceived(String phone) {
        int n = 0;
        for (com.github.tomakehurst.wiremock.stubbing.ServeEvent e : WIREMOCK.getAllServeEvents()) {
            if (e.getRequest().getUrl().equals("/")) {
                n += (int) aliyunRecipients(e.getRequest().getBodyAsString()).stream().filter(phone::equals).count();
            }
        }
        return n;
    }

    /** Creates an active template for {@code tenant}; returns its id. */
    public UUID template(String token, Map<String, Object> body) {
        Response created = call("POST", "/api/push/templates", body, token);
        if (created.status() != 201) {
            throw new AssertionError("template not created: " + created);
        }
        return UUID.fromString(created.body().path("id").asString());
    }

    public static Map<String, Object> smsTemplate(String name) {
        return Map.of("name", name, "channel", "sms", "content", "您的订单{{order_no}}已发货，{{customer_name}}", "providerTemplateId", "SMS_123456",
                "smsSign", "客服");
    }

    /** Sends one message with {@code token} and waits until it is settled (sent, failed or dead); returns its id. */
    public UUID sendAndWait(String token, UUID template, String recipient, Map<String, String> variables) {
        Response r = call("POST", "/api/messages/send", Map.of("template_id", template, "recipient", recipient, "variables", variables), token);
        if (r.status() != 202) {
            throw new AssertionError("not accepted: " + r);
        }
        UUID id = UUID.fromString(r.body().path("messageId").asString());
        await("settled", Duration.ofMinutes(2), () -> List.of("sent", "failed", "dead").contains(status(id)));
        return id;
    }

    public @Nullable String status(UUID messageId) {
        return jdbc.query("select status from message where id = ?", (rs, i) -> rs.getString(1), messageId).stream().findFirst().orElse(null);
    }
}
