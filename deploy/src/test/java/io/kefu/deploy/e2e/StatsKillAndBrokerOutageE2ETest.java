package io.kefu.deploy.e2e;

import static io.kefu.deploy.e2e.BrokerTap.await;
import static io.kefu.deploy.e2e.BrokerTap.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.kefu.testsupport.KefuInfrastructure;
import io.kefu.testsupport.TcpProxy;
import io.kefu.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * stats-service as a process of its own, reaching RabbitMQ through a proxy the test cuts and restores, ingesting a known
 * set of events published the way chat, ticket and push publish them (their envelopes on their exchanges), a tenth of
 * them published twice (as a producer's relay does when a confirm is lost). It is killed with SIGKILL in the middle of
 * the ingestion and started again, then cut from the broker while more events arrive. Afterwards every figure equals
 * exactly what the events imply — nothing counted twice, nothing missing — and the realtime endpoint answered 200
 * throughout the cut.
 */
class StatsKillAndBrokerOutageE2ETest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final int CONVERSATIONS = 100;
    static final int TICKETS = 150;
    static final int MESSAGES = 150;

    @Test
    void everyFigureEqualsTheEventsOnceAcrossAKillAndABrokerOutageAndRealtimeKeepsAnswering() throws Exception {
        KefuInfrastructure.Endpoints infra = KefuInfrastructure.endpoints();
        UUID tenant = UUID.randomUUID();
        ServiceProcess stats = null;
        try (TcpProxy broker = new TcpProxy(infra.rabbitHost(), infra.rabbitPort()); BrokerTap tap = new BrokerTap()) {
            int port = freePort();
            Map<String, String> settings = BrokerTap.settingsThrough(broker, "stats-service");
            stats = ServiceProcess.start("stats-service", port, settings, Duration.ofMinutes(4));
            GatewayApi api = new GatewayApi(port);
            String supervisor = TestTokens.token(UUID.randomUUID().toString(), tenant.toString(), "staff", List.of("supervisor"));

            // The known day: every observation a little before now, on the tenant's today (Asia/Shanghai, stats' default).
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Instant base = now.minusSeconds(Math.min(3_600, secondsIntoDay(now)) - 1);
            Expected expected = new Expected();
            List<JsonNode> events = new ArrayList<>();
            for (int i = 0; i < CONVERSATIONS; i++) {
                UUID c = UUID.randomUUID();
                events.add(envelope("chat.conversation.opened.v1", tenant, c, Map.of("conversationId", c.toString(), "customerId",
                        UUID.randomUUID().toString(), "channel", "wechat", "source", "e2e", "startedAt", at(base, i).toString())));
                expected.conversations++;
            }
            for (int i = 0; i < TICKETS; i++) {
                UUID t = UUID.randomUUID();
                Instant created = at(base, i);
                events.add(envelope("ticket.ticket.created.v1", tenant, t, ticket(t, Map.of("createdAt", created.toString(), "source", "api"))));
                expected.tickets++;
                if (i % 3 == 0) {
                    events.add(envelope("ticket.ticket.escalated.v1", tenant, t, ticket(t, Map.of("escalatedAt", created.plusSeconds(5).toString(),
                            "reason", "需要原厂支持", "automatic", false))));
                    expected.escalated++;
                }
                if (i % 3 != 2) {
                    boolean breached = i % 5 == 0;
                    if (breached) {
                        events.add(envelope("ticket.ticket.sla-breached.v1", tenant, t, ticket(t, Map.of("target", "first_response", "targetMinutes",
                                30, "elapsedMinutes", 31, "detectedAt", created.plusSeconds(10).toString()))));
                    }
                    int took = 60 + i;
                    events.add(envelope("ticket.ticket.resolved.v1", tenant, t, ticket(t, Map.of("createdAt", created.toString(),
                            "resolvedAt", created.plusSeconds(took).toString(), "resolvedBy", UUID.randomUUID().toString(), "operatorType", "staff"))));
                    expected.resolved++;
                    expected.resolvedSeconds += took;
                    expected.resolvedInTime += breached ? 0 : 1;
                }
            }
            for (int i = 0; i < MESSAGES; i++) {
                UUID m = UUID.randomUUID();
                if (i % 5 == 4) {
                    events.add(envelope("push.message.failed.v1", tenant, m, Map.of("messageId", m.toString(), "channel", "sms", "provider", "e2e",
                            "outcome", "failed", "reason", "e2e", "attempts", 5, "failedAt", at(base, i).toString())));
                    expected.pushFailed++;
                } else {
                    events.add(envelope("push.message.sent.v1", tenant, m, Map.of("messageId", m.toString(), "channel", "sms", "provider", "e2e",
                            "attempts", 1, "sendMillis", 100 + i, "latencyMillis", 200 + i, "sentAt", at(base, i).toString())));
                    expected.pushSent++;
                    expected.pushMillis += 100 + i;
                }
            }
            java.util.Collections.shuffle(events, new java.util.Random(42));
            // a tenth published twice, the copy later (a relay that lost its confirm publishes the same envelope again)
            List<JsonNode> stream = new ArrayList<>(events);
            for (int i = 0; i < events.size(); i += 10) {
                stream.add(Math.min(stream.size(), i + 40 + i / 10), events.get(i));
            }
            int total = stream.size();
            int firstSlice = total / 2;
            int secondSlice = total * 3 / 4;

            // 1. the first half at a steady pace; killed once stats has ingested some of it
            AtomicInteger published = new AtomicInteger();
            Thread publisher = Thread.ofPlatform().name("e2e-producers").start(() -> {
                for (int i = 0; i < firstSlice; i++) {
                    tap.publishAgain(stream.get(i));
                    published.incrementAndGet();
                    sleep(10);
                }
            });
            java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
            await("stats ingests", Duration.ofMinutes(1), () -> {
                seen.set(ingested(api, supervisor));
                return seen.get() > 0;
            });
            stats.kill();
            int publishedAtKill = published.get();
            long ingestedAtKill = seen.get();
            publisher.join();
            // 2. a quarter more while it is down (queued on the broker), then started again
            for (int i = firstSlice; i < secondSlice; i++) {
                tap.publishAgain(stream.get(i));
            }
            stats = ServiceProcess.start("stats-service", port, settings, Duration.ofMinutes(4));
            // the backlog is taken over (often already during the start-up: consumers start before readiness)
            await("the restarted service ingests", Duration.ofMinutes(1), () -> ingested(api, supervisor) > ingestedAtKill);
            long ingestedAtCut = ingested(api, supervisor);
            // 3. the broker cut while the last quarter is published; realtime asked all the while
            broker.cut();
            Map<Integer, Integer> realtimeAnswers = new ConcurrentHashMap<>();
            for (int i = secondSlice; i < total; i++) {
                tap.publishAgain(stream.get(i));
            }
            long cutEnds = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < cutEnds) {
                realtimeAnswers.merge(api.send("GET", "/api/stats/realtime", supervisor, null).statusCode(), 1, Integer::sum);
                Thread.sleep(100);
            }
            broker.restore();

            await("every event ingested", Duration.ofMinutes(2), () -> figures(api, supervisor).path("push.sent").path("count").asLong()
                    + figures(api, supervisor).path("ticket.opened").path("count").asLong() >= expected.pushSent + expected.pushFailed + expected.tickets
                    && figures(api, supervisor).path("conversation.opened").path("count").asLong() >= expected.conversations
                    && figures(api, supervisor).path("ticket.resolved").path("count").asLong() >= expected.resolved
                    && figures(api, supervisor).path("ticket.escalated").path("count").asLong() >= expected.escalated);
            Thread.sleep(3_000); // a redelivery counted twice would show now

            JsonNode overview = api.call("GET", "/api/stats/overview?from=" + today() + "&to=" + today(), supervisor, null);
            JsonNode f = overview.path("figures");
            assertThat(realtimeAnswers).as("realtime's answers during the broker cut (status → count)").containsOnlyKeys(200);
            assertThat(f.path("conversation.opened").path("count").asLong()).as("conversations").isEqualTo(expected.conversations);
            assertThat(f.path("ticket.opened").path("count").asLong()).as("tickets opened").isEqualTo(expected.tickets);
            assertThat(f.path("ticket.escalated").path("count").asLong()).as("escalations").isEqualTo(expected.escalated);
            assertThat(f.path("ticket.resolved").path("count").asLong()).as("tickets resolved").isEqualTo(expected.resolved);
            assertThat(f.path("ticket.resolved").path("good").asLong()).as("resolved within SLA").isEqualTo(expected.resolvedInTime);
            assertThat(f.path("ticket.resolved").path("total").asDouble()).as("resolution seconds").isEqualTo(expected.resolvedSeconds);
            assertThat(f.path("push.sent").path("count").asLong()).as("push outcomes").isEqualTo(expected.pushSent + expected.pushFailed);
            assertThat(f.path("push.sent").path("good").asLong()).as("push sent").isEqualTo(expected.pushSent);
            assertThat(f.path("push.sent").path("total").asDouble()).as("push send millis").isEqualTo(expected.pushMillis);
            assertThat(f.path("push.failed").path("count").asLong()).as("push failures").isEqualTo(expected.pushFailed);
            // the realtime view says the same
            JsonNode today = api.call("GET", "/api/stats/realtime", supervisor, null).path("today").path("figures");
            for (String metric : List.of("conversation.opened", "ticket.opened", "ticket.escalated", "ticket.resolved", "push.sent", "push.failed")) {
                assertThat(today.path(metric).path("count").asLong()).as("realtime " + metric).isEqualTo(f.path(metric).path("count").asLong());
            }
            System.out.printf("[e2e] stats: %d events (%d distinct) published; killed after %d published, %d observations counted; "
                    + "%d when the broker was cut; realtime during the 5 s cut: %s%n", total, events.size(), publishedAtKill, ingestedAtKill, ingestedAtCut,
                    realtimeAnswers);
        } finally {
            if (stats != null) {
                stats.kill();
            }
        }
    }

    /** What the known events imply. */
    static final class Expected {
        long conversations;
        long tickets;
        long escalated;
        long resolved;
        long resolvedInTime;
        double resolvedSeconds;
        long pushSent;
        long pushFailed;
        double pushMillis;
    }

    /** Observations of today counted so far (−1 when stats does not answer, e.g. killed). */
    private static long ingested(GatewayApi api, String supervisor) {
        try {
            JsonNode f = figures(api, supervisor);
            long sum = 0;
            for (String metric : List.of("conversation.opened", "ticket.opened", "ticket.escalated", "ticket.resolved", "push.sent")) {
                sum += f.path(metric).path("count").asLong();
            }
            return sum;
        } catch (IllegalStateException | AssertionError unavailable) {
            return -1;
        }
    }

    private static JsonNode figures(GatewayApi api, String supervisor) {
        HttpResponse<String> r = api.send("GET", "/api/stats/realtime", supervisor, null);
        if (r.statusCode() != 200) {
            throw new AssertionError("realtime answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).path("today").path("figures");
    }

    private static Map<String, Object> ticket(UUID ticket, Map<String, Object> more) {
        Map<String, Object> data = new HashMap<>(Map.of("ticketId", ticket.toString(), "serviceProviderId", UUID.randomUUID().toString(),
                "customerId", UUID.randomUUID().toString(), "type", "system_issue", "priority", "normal", "title", "端口无法登录"));
        data.putAll(more);
        return data;
    }

    private static JsonNode envelope(String type, UUID tenant, UUID subject, Map<String, ?> data) {
        return BrokerTap.envelope(type, tenant, subject.toString(), data);
    }

    private static Instant at(Instant base, int i) {
        return base.plusMillis(i * 10L);
    }

    private static LocalDate today() {
        return LocalDate.now(ZoneId.of("Asia/Shanghai"));
    }

    /** Seconds since the tenant's midnight, so the known events all fall on its today. */
    private static long secondsIntoDay(Instant now) {
        ZoneId zone = ZoneId.of("Asia/Shanghai");
        return Duration.between(LocalDate.now(zone).atStartOfDay(zone).toInstant(), now).toSeconds();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
