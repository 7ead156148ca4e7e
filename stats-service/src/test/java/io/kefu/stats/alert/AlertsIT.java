package io.kefu.stats.alert;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.kefu.common.config.LiveProperties;
import io.kefu.stats.StatsItSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** Seed 001's alerts: a rule that holds opens one incident, posted once to the group bot, closed when the rule stops holding. */
class AlertsIT extends StatsItSupport {

    @Autowired
    AlertJobs jobs;
    @Autowired
    LiveProperties<AlertProperties> properties;
    @Autowired
    ConfigurableEnvironment configurable;
    @Autowired
    LiveProperties<io.kefu.stats.notify.NotifyProperties> notify;
    final List<String> emails = new CopyOnWriteArrayList<>();
    final UUID alertTemplate = UUID.randomUUID();

    HttpServer bot;
    final List<String> posts = new CopyOnWriteArrayList<>();
    final UUID tenant = UUID.randomUUID();
    final String ghost = "ghost-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void groupBot() throws IOException {
        bot = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        bot.createContext("/cgi-bin/webhook/send", exchange -> {
            posts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] ok = "{\"errcode\":0}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        // push-service's internal API, for the tenant admins' alert emails
        bot.createContext("/internal/push/send", exchange -> {
            emails.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] accepted = ("{\"messageId\":\"" + UUID.randomUUID() + "\",\"status\":\"queued\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(202, accepted.length);
            exchange.getResponseBody().write(accepted);
            exchange.close();
        });
        bot.start();
        configurable.getPropertySources().addFirst(new MapPropertySource("test-alerts", Map.of(
                "kefu.stats.alerts.webhooks[0]", "http://127.0.0.1:" + bot.getAddress().getPort() + "/cgi-bin/webhook/send?key=k",
                "kefu.stats.alerts.queue-wait-over", "3m",
                "kefu.stats.alerts.services." + ghost, "http://127.0.0.1:1",
                "kefu.stats.notify.push-url", "http://127.0.0.1:" + bot.getAddress().getPort(),
                "kefu.stats.notify.tenants." + tenant + ".alert-template", alertTemplate.toString(),
                "kefu.stats.notify.tenants." + tenant + ".recipients[0]", "admin@example.com")));
        properties.rebind();
        notify.rebind();
    }

    @AfterEach
    void stop() {
        configurable.getPropertySources().remove("test-alerts");
        properties.rebind();
        notify.rebind();
        bot.stop(0);
    }

    long postsAbout(String text) {
        return posts.stream().filter(p -> p.contains(text)).count();
    }

    @Test
    void aLongQueueWaitAndAServiceNotReadyAreEachPostedOncePerIncident() {
        Conv waiting = conversation(tenant, UUID.randomUUID(), "mp").opened(Instant.now().minusSeconds(400)).queued(Instant.now().minusSeconds(400));
        awaitStored(tenant, 2);

        jobs.evaluateAndNotify();
        jobs.evaluateAndNotify();
        jobs.evaluateAndNotify();
        assertThat(postsAbout(tenant.toString())).isEqualTo(1);
        assertThat(posts.stream().filter(p -> p.contains(tenant.toString())).findFirst().orElseThrow()).contains("\"msgtype\":\"text\"")
                .contains("排队");
        assertThat(postsAbout(ghost)).isEqualTo(1);
        // and emailed once to the tenant's admin through push-service (after the commit that opened it)
        await("the alert email reached push-service", java.time.Duration.ofSeconds(20), () -> emails.size() == 1);
        assertThat(emails.getFirst()).contains("\"tenantId\":\"" + tenant + "\"").contains(alertTemplate.toString())
                .contains("admin@example.com").contains("排队超时");

        // the customer is assigned: the incident closes; a new long wait later would be a new incident
        waiting.assigned(UUID.randomUUID(), Instant.now());
        await("assigned", java.time.Duration.ofSeconds(20), () -> jdbc.queryForObject(
                "select count(*) from conversation where conversation_id = ? and assigned_at is not null", Long.class, waiting.id()) == 1);
        jobs.evaluateAndNotify();
        assertThat(jdbc.queryForObject("select count(*) from alert_incident where tenant_id = ? and closed_at is not null", Long.class, tenant))
                .isEqualTo(1);
        assertThat(postsAbout(tenant.toString())).isEqualTo(1);
        assertThat(emails).hasSize(1);
    }
}
