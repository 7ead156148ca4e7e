package io.kefu.deploy.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.kefu.deploy.e2e.BrokerTap.await;
import static io.kefu.deploy.e2e.BrokerTap.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.kefu.testsupport.KefuInfrastructure;
import io.kefu.testsupport.TcpProxy;
import io.kefu.testsupport.TestTokens;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * ticket-service as a process of its own, reaching RabbitMQ through a proxy the test cuts and restores, while a
 * provider opens tickets and moves each through reply → escalate → resolve on its real API, and a WeCom employee's
 * {@code #记录客户} commands arrive as chat's events. The process is killed with SIGKILL mid-flow and started again,
 * then the broker connection is cut for seconds while the work goes on. Afterwards, read back from ticket's API, what
 * it published (a queue of the test's on {@code kefu.ticket}) and what it asked push-service (played by WireMock):
 * every accepted ticket exists once, every transition happened once and was published once (by event id), every
 * escalation alerted the staff once (by idempotency key), every command recorded one project and was answered once.
 */
class TicketKillAndBrokerOutageE2ETest {

    static final int TICKETS = 120;
    static final int COMMANDS = 120;
    static final int CONVERSATIONS = 60;
    static final List<String> STEPS = List.of("replied", "escalated", "resolved");
    static final Map<String, String> EVENT_OF = Map.of("created", "ticket.ticket.created.v1", "replied", "ticket.ticket.replied.v1",
            "escalated", "ticket.ticket.escalated.v1", "resolved", "ticket.ticket.resolved.v1");

    /** What the client was told about one ticket: the steps answered 2xx, and the one whose answer was lost (if any). */
    record Outcome(UUID id, String title, List<String> accepted, @Nullable String inFlight) {
    }

    @Test
    void everyAcceptedTicketAndTransitionTakesEffectAndIsPublishedOnceAcrossAKillAndABrokerOutage() throws Exception {
        WireMockServer push = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        push.start();
        push.stubFor(post(urlEqualTo("/internal/push/send")).willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                .withBody("{\"messageId\":\"" + UUID.randomUUID() + "\",\"status\":\"queued\",\"duplicate\":false}")));
        KefuInfrastructure.Endpoints infra = KefuInfrastructure.endpoints();
        UUID tenant = UUID.randomUUID();
        UUID provider = UUID.randomUUID();
        UUID employee = UUID.randomUUID();
        String wecomUser = "e2e-" + employee.toString().substring(0, 8);
        String run = UUID.randomUUID().toString().substring(0, 8);
        ServiceProcess ticket = null;
        try (TcpProxy broker = new TcpProxy(infra.rabbitHost(), infra.rabbitPort()); BrokerTap tap = new BrokerTap()) {
            int port = freePort();
            Map<String, String> settings = BrokerTap.settingsThrough(broker, "ticket-service");
            settings.put("kefu.ticket.links.push-url", push.baseUrl());
            settings.put("kefu.ticket.staff-alerts.templates." + tenant, UUID.randomUUID().toString());
            // A staff alert claimed by the killed process is made again once its lease lapses: short here, swept often.
            settings.put("kefu.remote-calls.lease", "5s");
            settings.put("kefu.remote-calls.initial-backoff", "1s");
            settings.put("kefu.jobs.local.remote-call-sweep.cron", "*/2 * * * * *");
            tap.listen("kefu.ticket");
            ticket = ServiceProcess.start("ticket-service", port, settings, Duration.ofMinutes(4));
            GatewayApi api = new GatewayApi(port);
            String admin = TestTokens.token(UUID.randomUUID().toString(), tenant.toString(), "staff", List.of("admin"));
            String providerToken = TestTokens.token(provider.toString(), tenant.toString(), "provider", List.of("provider"));

            // auth's announcements: the provider, and a staff member with a WeCom userid (alerted; records projects)
            tap.publish("auth.provider.registered.v1", tenant, provider.toString(), Map.of("providerId", provider.toString(), "tenantId",
                    tenant.toString(), "name", "E2E 服务商", "username", "e2e-" + run, "registeredAt", Instant.now().toString()));
            tap.publish("auth.staff.created.v1", tenant, employee.toString(), Map.of("staffId", employee.toString(), "tenantId", tenant.toString(),
                    "name", "王销售", "roles", List.of("agent"), "department", "售后", "maxConcurrentChats", 5, "active", true,
                    "wecomUserId", wecomUser, "occurredAt", Instant.now().toString()));
            List<UUID> customers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Map<String, Object> body = customer(provider, "E2E 客户 " + i);
                List<String> id = new ArrayList<>();
                // 400 unknown-provider until auth's announcement is consumed
                await("the provider is known", Duration.ofSeconds(60), () -> {
                    HttpResponse<String> created = api.send("POST", "/api/customers", admin, body);
                    if (created.statusCode() == 201) {
                        id.add(GatewayApi.JSON.readTree(created.body()).path("id").asString());
                    }
                    return !id.isEmpty();
                });
                customers.add(UUID.fromString(id.get(0)));
            }
            // the staff member is known when a command is answered `recorded` (not `not-bound`)
            await("the staff member is known", Duration.ofSeconds(90), () -> {
                String msgId = command(tap, tenant, wecomUser, "#查询进度 无此人");
                try {
                    await("an answer to " + msgId, Duration.ofSeconds(30), () -> !answers(tap.received(), msgId).isEmpty());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return answers(tap.received(), msgId).stream().anyMatch(a -> a.path("data").path("code").asString().equals("not-found"));
            });

            // the work: a provider's tickets through their steps, and the employee's commands arriving meanwhile
            List<Outcome> outcomes = new CopyOnWriteArrayList<>();
            Map<String, Integer> refused = new ConcurrentHashMap<>();
            AtomicInteger stepsDone = new AtomicInteger();
            Thread provider1 = Thread.ofPlatform().name("e2e-provider").start(() -> {
                for (int i = 0; i < TICKETS; i++) {
                    outcomes.add(ticketLife(api, port, providerToken, customers.get(i % customers.size()), "e2e-" + run + "-" + i, refused, stepsDone));
                }
            });
            // chat's escalations of conversations (the provider's, through the internal API), made again until answered, as chat does
            Map<String, Set<String>> ticketsByConversation = new ConcurrentHashMap<>(); // by title: one conversation each
            Thread chat = Thread.ofPlatform().name("e2e-chat").start(() -> {
                for (int i = 0; i < CONVERSATIONS; i++) {
                    String title = "e2e-" + run + "-conversation-" + i;
                    ticketsByConversation.put(title, escalate(api, port, tenant, provider, customers.get(i % customers.size()), UUID.randomUUID(),
                            title, refused, stepsDone));
                    sleep(300);
                }
            });
            Map<String, String> phoneByMsg = new ConcurrentHashMap<>();
            Thread employee1 = Thread.ofPlatform().name("e2e-employee").start(() -> {
                for (int i = 0; i < COMMANDS; i++) {
                    String phone = String.format("1370%07d", i);
                    phoneByMsg.put(command(tap, tenant, wecomUser, "#记录客户 客户" + i + " " + phone + " 需要客服系统"), phone);
                    if (i % 10 == 9) {
                        // a tenth delivered twice (chat's relay publishes again when a confirm is lost): the same envelope id
                        sleep(50);
                        tap.publishAgain(tap.lastPublished());
                    }
                    sleep(150);
                }
            });

            await("work under way", Duration.ofMinutes(2), () -> stepsDone.get() >= 80);
            ticket.kill();
            int atKill = stepsDone.get();
            ticket = ServiceProcess.start("ticket-service", port, settings, Duration.ofMinutes(4));
            await("the restarted service takes work", Duration.ofMinutes(2), () -> stepsDone.get() >= atKill + 80 || !provider1.isAlive());
            broker.cut(); // as a broker restart: every connection dropped, new ones refused for a while
            int atCut = stepsDone.get();
            Thread.sleep(5_000);
            int duringCut = stepsDone.get() - atCut;
            broker.restore();
            provider1.join(Duration.ofMinutes(3).toMillis());
            employee1.join(Duration.ofMinutes(1).toMillis());
            chat.join(Duration.ofMinutes(2).toMillis());
            assertThat(provider1.isAlive()).as("the provider's work finished").isFalse();

            // what ticket-service holds: every ticket of the run, by title, with its history
            Map<String, List<JsonNode>> byTitle = new HashMap<>();
            for (int page = 1; ; page++) {
                JsonNode view = api.call("GET", "/api/tickets?pageSize=100&keyword=" + encode("e2e-" + run) + "&page=" + page, admin, null);
                view.path("tickets").forEach(t -> byTitle.computeIfAbsent(t.path("title").asString(), k -> new ArrayList<>()).add(t));
                if (view.path("tickets").size() < 100) {
                    break;
                }
            }
            Map<UUID, Map<String, Long>> history = new HashMap<>();
            for (List<JsonNode> same : byTitle.values()) {
                for (JsonNode t : same) {
                    UUID id = UUID.fromString(t.path("id").asString());
                    JsonNode full = api.call("GET", "/api/tickets/" + id, admin, null);
                    history.put(id, full.path("processingHistory").valueStream()
                            .collect(Collectors.groupingBy(h -> h.path("action").asString(), Collectors.counting())));
                }
            }
            // what it published and asked push for, once everything has had time to arrive (the relay's backoff after the cut)
            Set<String> escalatedTickets = history.entrySet().stream().filter(e -> e.getValue().getOrDefault("escalated", 0L) > 0)
                    .map(e -> e.getKey().toString()).collect(Collectors.toSet());
            await("every transition published, every escalation alerted, every command answered", Duration.ofMinutes(2), () -> {
                List<JsonNode> events = tap.received();
                Map<String, Set<String>> published = distinctIdsByTicketAndType(events);
                boolean transitions = history.entrySet().stream().allMatch(e -> e.getValue().entrySet().stream()
                        .filter(h -> EVENT_OF.containsKey(h.getKey()))
                        .allMatch(h -> published.getOrDefault(e.getKey() + " " + EVENT_OF.get(h.getKey()), Set.of()).size() >= h.getValue()));
                boolean alerts = alertKeys(push).keySet().stream().map(k -> k.split(":")[2]).collect(Collectors.toSet()).containsAll(escalatedTickets);
                boolean commands = phoneByMsg.keySet().stream().allMatch(m -> !answers(events, m).isEmpty());
                return transitions && alerts && commands;
            });
            Thread.sleep(3_000); // anything arriving twice arrives now
            List<JsonNode> events = tap.received();
            Map<String, Set<String>> published = distinctIdsByTicketAndType(events);
            Map<String, Integer> alertKeys = alertKeys(push);

            // 1. every ticket exists once (no create ran twice), every accepted one exists
            byTitle.forEach((title, same) -> assertThat(same).as("tickets titled " + title).hasSize(1));
            for (Outcome o : outcomes) {
                if (o.id() != null) {
                    assertThat(byTitle.get(o.title())).as("accepted ticket " + o.title()).isNotNull();
                    assertThat(byTitle.get(o.title()).get(0).path("id").asString()).isEqualTo(o.id().toString());
                }
            }
            // 2. every transition happened once: accepted ones exactly once, the one whose answer was lost at most once
            for (Outcome o : outcomes) {
                if (o.id() == null) {
                    continue;
                }
                Map<String, Long> h = history.get(o.id());
                assertThat(h.getOrDefault("created", 0L)).as(o.title() + " created").isEqualTo(1);
                for (String step : STEPS) {
                    long expected = o.accepted().contains(step) ? 1 : 0;
                    if (step.equals(o.inFlight())) {
                        assertThat(h.getOrDefault(step, 0L)).as(o.title() + " " + step + " (answer lost)").isBetween(0L, 1L);
                    } else {
                        assertThat(h.getOrDefault(step, 0L)).as(o.title() + " " + step).isEqualTo(expected);
                    }
                }
            }
            // 3. each change published once by event id, none published without its change; each escalation alerted once
            history.forEach((id, h) -> EVENT_OF.forEach((action, type) -> assertThat(published.getOrDefault(id + " " + type, Set.of()))
                    .as("distinct " + type + " events of " + id).hasSize(h.getOrDefault(action, 0L).intValue())));
            assertThat(alertKeys.keySet()).as("staff alerts (idempotency keys)")
                    .containsExactlyInAnyOrderElementsOf(escalatedTickets.stream().map(t -> "ticket-staff-alert:escalated:" + t + ":" + employee).toList());
            // chat's escalations: one ticket per conversation however often asked, the same one named in every answer, escalated once
            ticketsByConversation.forEach((title, answered) -> {
                assertThat(byTitle.get(title)).as("tickets of conversation " + title).hasSize(1);
                String id = byTitle.get(title).get(0).path("id").asString();
                assertThat(answered).as("ticket ids answered for " + title).containsExactly(id);
                assertThat(history.get(UUID.fromString(id)).get("escalated")).as("escalations of " + id).isEqualTo(1L);
            });
            assertThat(ticketsByConversation).as("conversations escalated").hasSize(CONVERSATIONS);
            // the provider's message center: each message announced once (ticket.notice.created.v1 by notice id), none unannounced
            Map<String, Set<String>> notices = new HashMap<>();
            events.stream().filter(e -> e.path("type").asString().equals("ticket.notice.created.v1"))
                    .forEach(e -> notices.computeIfAbsent(e.path("data").path("noticeId").asString(), k -> new HashSet<>()).add(e.path("id").asString()));
            long messages = api.call("GET", "/api/messages?pageSize=1", providerToken, null).path("total").asLong();
            assertThat(notices).as("notice events by notice id").hasSize((int) messages)
                    .allSatisfy((notice, ids) -> assertThat(ids).as("events of notice " + notice).hasSize(1));
            // 4. every command applied once across the kill: one answer by event id, `recorded`, one project per phone
            for (String msgId : phoneByMsg.keySet()) {
                List<JsonNode> answered = answers(events, msgId);
                assertThat(answered.stream().map(a -> a.path("id").asString()).distinct()).as("answers to " + msgId).hasSize(1);
                assertThat(answered.get(0).path("data").path("code").asString()).as("answer to " + msgId).isEqualTo("recorded");
            }
            Map<String, Integer> projects = new HashMap<>();
            for (int page = 1; ; page++) {
                JsonNode view = api.call("GET", "/api/projects?pageSize=100&keyword=" + encode("客户") + "&page=" + page, admin, null);
                view.path("projects").forEach(p -> projects.merge(p.path("phone").asString(), 1, Integer::sum));
                if (view.path("projects").size() < 100) {
                    break;
                }
            }
            assertThat(projects).as("projects by phone").hasSize(COMMANDS).allSatisfy((phone, n) -> assertThat(n).as(phone).isEqualTo(1));
            // 5. the API kept answering through the broker cut (only the killed process's in-flight calls went unanswered)
            assertThat(refused).as("answers other than 2xx").isEmpty();
            assertThat(duringCut).as("steps accepted while the broker was cut").isPositive();

            long accepted = outcomes.stream().filter(o -> o.id() != null).count();
            long lost = outcomes.stream().filter(o -> o.id() == null || o.inFlight() != null).count();
            System.out.printf("[e2e] ticket: %d tickets (%d accepted, %d with an answer lost to the kill), %d steps accepted when killed, "
                    + "%d during the 5 s broker cut; %d events received (%d distinct), %d alert calls (%d keys), %d commands, %d projects, "
                    + "%d provider messages%n",
                    outcomes.size(), accepted, lost, atKill, duringCut, events.size(),
                    events.stream().map(e -> e.path("id").asString()).distinct().count(), push.getAllServeEvents().size(), alertKeys.size(),
                    phoneByMsg.size(), projects.size(), messages);
        } finally {
            if (ticket != null) {
                ticket.kill();
            }
            push.stop();
        }
    }

    /**
     * One ticket's life on the provider's API: created, then each step of {@link #STEPS}. A call whose answer is lost (the
     * process was killed under it) is not made again — its outcome is unknown — and the ticket goes no further; the next
     * ticket waits until the service answers again. Any answer other than 2xx is recorded.
     */
    private static Outcome ticketLife(GatewayApi api, int port, String token, UUID customer, String title, Map<String, Integer> refused,
            AtomicInteger stepsDone) {
        HttpResponse<String> created;
        try {
            created = api.send("POST", "/api/tickets", token, Map.of("customerId", customer.toString(), "title", title, "content", "详细描述",
                    "type", "system_issue"));
        } catch (IllegalStateException lost) {
            awaitServing(port);
            return new Outcome(null, title, List.of(), "created");
        }
        if (created.statusCode() != 201) {
            refused.merge("create " + created.statusCode() + " " + created.body(), 1, Integer::sum);
            return new Outcome(null, title, List.of(), null);
        }
        stepsDone.incrementAndGet();
        UUID id = UUID.fromString(GatewayApi.JSON.readTree(created.body()).path("id").asString());
        List<String> accepted = new ArrayList<>();
        for (String step : STEPS) {
            Map<String, Object> body = switch (step) {
                case "replied" -> Map.of("content", "已收到，正在处理");
                case "escalated" -> Map.of("reason", "需要原厂支持");
                default -> Map.of("note", "已解决");
            };
            String path = "/api/tickets/" + id + "/" + switch (step) {
                case "replied" -> "reply";
                case "escalated" -> "escalate";
                default -> "resolve";
            };
            try {
                HttpResponse<String> answer = api.send("POST", path, token, body);
                if (answer.statusCode() / 100 != 2) {
                    refused.merge(step + " " + answer.statusCode() + " " + answer.body(), 1, Integer::sum);
                    return new Outcome(id, title, accepted, null);
                }
            } catch (IllegalStateException lost) {
                awaitServing(port);
                return new Outcome(id, title, accepted, step);
            }
            accepted.add(step);
            stepsDone.incrementAndGet();
        }
        return new Outcome(id, title, accepted, null);
    }

    /**
     * chat's escalation of a provider's conversation ({@code POST /internal/tickets/from-conversation}, with a reason): asked
     * again after an answer lost to the kill, as chat's caller would; the ticket ids answered (201 first, 200 after).
     */
    private static Set<String> escalate(GatewayApi api, int port, UUID tenant, UUID provider, UUID customer, UUID conversation, String title,
            Map<String, Integer> refused, AtomicInteger stepsDone) {
        String first = Instant.now().minusSeconds(600).toString();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenantId", tenant.toString());
        body.put("conversationId", conversation.toString());
        body.put("chatCustomerId", UUID.randomUUID().toString());
        body.put("customerId", customer.toString());
        body.put("title", title);
        body.put("type", "system_issue");
        body.put("firstCustomerMessageAt", first);
        body.put("transcript", List.of(Map.of("senderType", "customer", "content", "打不开了", "at", first)));
        body.put("requestedBy", provider.toString());
        body.put("requestedByType", "provider");
        body.put("escalationReason", "客户要求工程师");
        Set<String> answered = new HashSet<>();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(api.uri("/internal/tickets/from-conversation"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("X-Kefu-Internal-Token", "kefu-local-internal-token")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(GatewayApi.JSON.writeValueAsString(body))).build();
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                HttpResponse<String> answer = api.send(request);
                if (answer.statusCode() == 201 || answer.statusCode() == 200) {
                    answered.add(GatewayApi.JSON.readTree(answer.body()).path("ticketId").asString());
                    stepsDone.incrementAndGet();
                    return answered;
                }
                refused.merge("from-conversation " + answer.statusCode() + " " + answer.body(), 1, Integer::sum);
                return answered;
            } catch (IllegalStateException lost) {
                awaitServing(port);
            }
        }
        return answered;
    }

    /** Until ticket-service (restarted by the test) is ready again. */
    private static void awaitServing(int port) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // killed, or still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            sleep(250);
        }
    }

    /** A WeCom employee's message as chat publishes it; its {@code msgId}. */
    private static String command(BrokerTap tap, UUID tenant, String wecomUser, String content) {
        String msgId = "wecom:wwe2e:1000002:" + UUID.randomUUID();
        tap.publish("chat.wecom.staff-message.v1", tenant, "wwe2e:" + wecomUser, Map.of("corpId", "wwe2e", "agentId", 1000002, "staffUserId",
                wecomUser, "msgType", "text", "content", content, "msgId", msgId, "receivedAt", Instant.now().toString()));
        return msgId;
    }

    /** ticket's answers to one command, each delivery (copies of one event share its id). */
    private static List<JsonNode> answers(List<JsonNode> events, String msgId) {
        return events.stream().filter(e -> e.path("type").asString().equals("ticket.staff-command.answered.v1")
                && e.path("data").path("msgId").asString().equals(msgId)).toList();
    }

    /** "ticketId type" → the distinct event ids received. */
    private static Map<String, Set<String>> distinctIdsByTicketAndType(List<JsonNode> events) {
        Map<String, Set<String>> ids = new HashMap<>();
        for (JsonNode e : events) {
            String ticketId = e.path("data").path("ticketId").asString("");
            if (!ticketId.isEmpty()) {
                ids.computeIfAbsent(ticketId + " " + e.path("type").asString(), k -> new HashSet<>()).add(e.path("id").asString());
            }
        }
        return ids;
    }

    /** The played push-service's sends: Idempotency-Key → how many calls carried it. */
    private static Map<String, Integer> alertKeys(WireMockServer push) {
        Map<String, Integer> keys = new HashMap<>();
        for (ServeEvent event : push.getAllServeEvents()) {
            keys.merge(event.getRequest().getHeader("Idempotency-Key"), 1, Integer::sum);
        }
        return keys;
    }

    private static Map<String, Object> customer(UUID provider, String name) {
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

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
