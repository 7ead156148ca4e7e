package io.kefu.deploy.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.kefu.testsupport.KefuInfrastructure;
import io.kefu.testsupport.TcpProxy;
import io.kefu.testsupport.TestTokens;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * push-service as a process of its own, killed with SIGKILL in the middle of a batch, started again, then
 * cut off from RabbitMQ (through a proxy the test cuts and restores; the shared broker itself keeps running)
 * while it dispatches. The played Aliyun's received requests are then counted against the messages'
 * traces: no recipient received twice, every message accounted for — sent (received exactly once) or
 * {@code unknown} (claimed by the killed process, outcome unknown, not resent; at most what was in flight).
 */
class PushKillAndBrokerOutageE2ETest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final int BATCH = 2_000;
    /** push-service's {@code kefu.push.dispatch.batch-size} (left at its default here). */
    static final int BATCH_SIZE = 50;
    static final String OK = "{\"Code\":\"OK\",\"Message\":\"OK\",\"BizId\":\"biz\",\"RequestId\":\"r\"}";

    @Test
    void noRecipientIsSentTwiceAcrossAKillAndABrokerOutage() throws Exception {
        WireMockServer aliyun = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").containerThreads(60));
        aliyun.start();
        // A little provider latency so the batch is still being dispatched when the process is killed.
        aliyun.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200).withFixedDelay(15)
                .withHeader("Content-Type", "application/json").withBody(OK)));
        KefuInfrastructure.Endpoints infra = KefuInfrastructure.endpoints();
        ServiceProcess push = null;
        try (TcpProxy broker = new TcpProxy(infra.rabbitHost(), infra.rabbitPort())) {
            int port = freePort();
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("spring.rabbitmq.host", "127.0.0.1");
            settings.put("spring.rabbitmq.port", String.valueOf(broker.port()));
            settings.put("kefu.security.jwk-set-uri", TestTokens.jwkSetUri());
            settings.put("kefu.push.senders.aliyun.base-url", aliyun.baseUrl());
            settings.put("kefu.push.senders.aliyun.access-key-id", "e2e-access-key");
            settings.put("kefu.push.senders.aliyun.access-key-secret", "e2e-secret");
            settings.put("kefu.push.pacing.channel-per-second.sms", "100000");
            settings.put("kefu.push.dispatch.lease", "10s");
            settings.put("kefu.jobs.local.push-lease-expiry.cron", "*/2 * * * * *");
            settings.put("kefu.jobs.executor-port", String.valueOf(freePort()));
            // Job locks live in the shared Redis under the application name: a name of this run's own keeps
            // other push-service processes on the machine (other databases) from running this one's jobs.
            settings.put("spring.application.name", "push-service-e2e-" + UUID.randomUUID().toString().substring(0, 8));
            push = ServiceProcess.start("push-service", port, settings, Duration.ofMinutes(4));

            UUID tenant = UUID.randomUUID();
            String admin = TestTokens.token(UUID.randomUUID().toString(), tenant.toString(), "staff", List.of("admin"));
            JsonNode template = call(push, "POST", "/api/push/templates", admin, Map.of("name", "e2e-kill-" + UUID.randomUUID(), "channel", "sms",
                    "content", "您的订单{{order_no}}已发货", "providerTemplateId", "SMS_123456", "smsSign", "客服"));
            List<String> phones = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                phones.add(String.format("1380%07d", i));
            }
            JsonNode batch = call(push, "POST", "/api/messages/send-batch", admin, Map.of("template_id", template.path("id").asString(),
                    "recipients", phones, "variables", Map.of("order_no", "K-1"), "priority", 1));
            assertThat(batch.path("accepted").asInt()).as(batch.toString()).isEqualTo(BATCH);
            String batchId = batch.path("batchId").asString();

            await("the batch is being dispatched", Duration.ofMinutes(3), () -> numbers(aliyun) >= 200);
            push.kill();
            int atKill = numbers(aliyun);

            push = ServiceProcess.start("push-service", port, settings, Duration.ofMinutes(4));
            ServiceProcess restarted = push;
            await("the restarted service dispatches", Duration.ofMinutes(3), () -> numbers(aliyun) >= atKill + 200
                    || done(restarted, admin, batchId));
            broker.cut(); // as a broker restart: every connection dropped, new ones refused for a while
            int atCut = numbers(aliyun);
            Thread.sleep(3_000);
            broker.restore();
            await("the batch is settled", Duration.ofMinutes(5), () -> done(restarted, admin, batchId));

            Map<String, Integer> received = new HashMap<>();
            for (ServeEvent event : aliyun.getAllServeEvents()) {
                for (String phone : phones(event.getRequest().getBodyAsString())) {
                    received.merge(phone, 1, Integer::sum);
                }
            }
            Map<String, String> status = statuses(push, admin, batchId);
            assertThat(status).hasSize(BATCH);
            List<String> twice = received.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
            assertThat(twice).as("recipients that received the message more than once").isEmpty();
            long sent = status.values().stream().filter("sent"::equals).count();
            long unknown = status.values().stream().filter("unknown"::equals).count();
            assertThat(sent + unknown).as("every message is sent, or unknown because the killed process had claimed it").isEqualTo(BATCH);
            status.forEach((phone, s) -> {
                if (s.equals("sent")) {
                    assertThat(received.getOrDefault(phone, 0)).as("a sent message reached the provider once: " + phone).isEqualTo(1);
                } else {
                    assertThat(received.getOrDefault(phone, 0)).as("an unknown message reached the provider at most once: " + phone).isLessThanOrEqualTo(1);
                }
            });
            // Only what the killed process had claimed and not recorded can be unknown: its consumers' lots in flight
            // (8 SMS consumers × batch-size, + the urgent lane's).
            assertThat(unknown).isLessThanOrEqualTo(8L * BATCH_SIZE + 2);
            long unknownReceived = status.entrySet().stream().filter(e -> e.getValue().equals("unknown") && received.containsKey(e.getKey())).count();
            System.out.printf("[e2e] batch of %d: %d numbers received when killed, %d when the broker was cut (%d requests in all); %d sent, "
                    + "%d unknown (%d of them reached the provider before the kill), %d received twice%n", BATCH, atKill, atCut,
                    aliyun.getAllServeEvents().size(), sent, unknown, unknownReceived, twice.size());
        } finally {
            if (push != null) {
                push.kill();
            }
            aliyun.stop();
        }
    }

    private static boolean done(ServiceProcess push, String admin, String batchId) {
        JsonNode progress = call(push, "GET", "/api/push/batches/" + batchId, admin, null);
        return progress.path("done").asBoolean(false);
    }

    /** Every message of the batch: recipient → status, read through the traces API. */
    private static Map<String, String> statuses(ServiceProcess push, String admin, String batchId) {
        Map<String, String> statuses = new HashMap<>();
        for (int page = 1; ; page++) {
            JsonNode view = call(push, "GET", "/api/messages/traces?batchId=" + batchId + "&pageSize=100&page=" + page, admin, null);
            for (JsonNode item : view.path("items")) {
                statuses.put(item.path("recipient").asString(), item.path("status").asString());
            }
            if (view.path("items").size() < 100) {
                return statuses;
            }
        }
    }

    /**
     * The numbers a request carries: {@code PhoneNumbers} of a {@code SendSms}, each of the {@code PhoneNumberJson} of
     * a {@code SendBatchSms} (a bulk lot's notices go in one call): recipients are counted, not requests.
     */
    static List<String> phones(String form) {
        List<String> phones = new ArrayList<>();
        for (String pair : form.split("&")) {
            if (pair.startsWith("PhoneNumbers=")) {
                phones.add(URLDecoder.decode(pair.substring("PhoneNumbers=".length()), StandardCharsets.UTF_8));
            } else if (pair.startsWith("PhoneNumberJson=")) {
                JSON.readTree(URLDecoder.decode(pair.substring("PhoneNumberJson=".length()), StandardCharsets.UTF_8))
                        .forEach(phone -> phones.add(phone.asString()));
            }
        }
        return phones;
    }

    /** Numbers the played Aliyun has received so far. */
    private static int numbers(WireMockServer aliyun) {
        return aliyun.getAllServeEvents().stream().mapToInt(e -> phones(e.getRequest().getBodyAsString()).size()).sum();
    }

    private static JsonNode call(ServiceProcess service, String method, String path, String token, @Nullable Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
