package io.kefu.deploy.e2e;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.kefu.testsupport.KefuInfrastructure;
import io.kefu.testsupport.StompTestClient;
import io.kefu.testsupport.TcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.kefu.deploy.e2e.AiFirstLineThroughGatewayE2ETest.completion;
import static io.kefu.deploy.e2e.AiFirstLineThroughGatewayE2ETest.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AI first line under faults: auth, chat, routing and kb-ai from their jars behind the gateway, kb-ai reaching
 * RabbitMQ through a proxy the test cuts and restores (the shared broker itself keeps running), the tenant's model
 * played by WireMock. Thirty mini-program customers send 240 questions over their sockets — FAQ questions (the top
 * band: the KB answer at once, no model), questions the KB does not cover (the model drafts an answer for review,
 * the customer gets the holding notice) and, last in every third conversation, one the model says it cannot answer
 * (the fallback notice and the human queue). Mid-flow kb-ai is killed with SIGKILL and started again (questions
 * sent meanwhile wait in its queue); later its broker connection is cut for five seconds.
 *
 * <p><b>What the design guarantees, and so what is asserted.</b> kb-ai claims a question once per customer message
 * (a unique row, committed with the inbox entry of routing's request), asks the model with no transaction open, and
 * records the outcome only while the claim is still that attempt's, with its events in the same transaction (outbox);
 * chat and routing apply each event once (inbox). So every message routing asked about has <b>exactly one outcome</b>
 * — an AI answer, a draft with its holding notice, or a hand-over with its notice — and the customer receives
 * <b>exactly one AI message for it</b>, on the socket and in history. The <b>model</b> is asked at most once per
 * attempt (answer and intent calls each), and a question gets a further attempt only when its claim's lease ran out
 * with nothing stored — a claim of the killed process, taken again by {@code kb-answer-retry}. So a question may reach
 * the played model twice, but then it was claimed before the kill, and the draft stored is the reply to its last call
 * (the first reply was never stored). (Counted by attempts, not by when the played model saw a call: a request the
 * killed process sent can be read by the model after the kill.) A customer's message routing did not ask about is one in a
 * conversation the AI had already handed over: it waits for people, and that conversation is in the human queue
 * once.
 *
 * <p>Also a bulk knowledge import killed mid-import: the import writes in one transaction, so after the restart either
 * none or all of its items exist; imported again (as an operator retries a failed request), each exists exactly once
 * and is the top hit of a search for its question.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AiFirstLineKillAndBrokerOutageE2ETest {

    static final String KB_AI = "kb-ai-service";
    static final int CUSTOMERS = 30;
    static final int PER_CUSTOMER = 8;
    /** How long the played model takes to draft: long enough that calls are in flight when kb-ai is killed. */
    static final int MODEL_DELAY_MS = 1_000;
    static final Duration SETTLE = Duration.ofMinutes(3);
    static final String ADMIN = "e2e-kbai-faults-admin"; // its own: the e2e classes share one database
    static final String ADMIN_PASSWORD = "e2e-admin-password-" + UUID.randomUUID();
    static final String MINI_APP = "wx-e2e-kbf-" + UUID.randomUUID().toString().substring(0, 8);
    static final int IMPORT_ITEMS = 400;
    /** A question's tag: T (the model drafts) or H (the model says the KB does not cover it), unique per message. */
    static final Pattern TAG = Pattern.compile("[TH]\\d+-\\d+");
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The FAQ: question → answer; asked word for word, each is the top band (checked before the traffic). */
    static final Map<String, String> FAQ = new LinkedHashMap<>();

    static {
        FAQ.put("怎么申请退款？", "在订单详情页点击“申请退款”，选择原因后提交，1-3个工作日原路退回。");
        FAQ.put("营业时间是几点？", "我们的营业时间是每天 9:00-21:00，节假日照常营业。");
        FAQ.put("快递一般几天到？", "江浙沪1-2天，其他地区3-5天，偏远地区5-7天。");
        FAQ.put("怎么修改收货地址？", "订单发货前可在“我的订单”里修改收货地址，发货后请联系客服拦截包裹。");
        FAQ.put("支持哪些支付方式？", "支持微信支付、支付宝和银行卡，暂不支持货到付款。");
        FAQ.put("会员积分怎么用？", "积分可在结算时抵扣，100积分抵1元，每单最多抵扣订单金额的10%。");
    }

    static WireMockServer wechat;
    static WireMockServer model;
    static final PlayedModel PLAYED = new PlayedModel();
    static TcpProxy broker;
    static SuiteProcesses suite;
    static GatewayApi api;
    static String tenantId;
    static String owner;
    static Connection db;

    @BeforeAll
    static void startTheSuite() throws Exception {
        wechat = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wechat.start();
        for (int i = 0; i < CUSTOMERS; i++) {
            wechat.stubFor(get(urlPathEqualTo("/sns/jscode2session")).withQueryParam("js_code", equalTo("kbf-customer-" + i))
                    .willReturn(json("{\"openid\":\"o-kbf-" + i + "-" + UUID.randomUUID() + "\",\"session_key\":\"sk\"}")));
        }
        model = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").containerThreads(80).extensions(PLAYED));
        model.start();
        model.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(json(completion("-"))));

        KefuInfrastructure.Endpoints infra = KefuInfrastructure.endpoints();
        broker = new TcpProxy(infra.rabbitHost(), infra.rabbitPort());
        suite = SuiteProcesses.of("auth-service", "chat-service", "routing-service", KB_AI)
                .everywhere("WECHAT_API_BASE_URL", wechat.baseUrl())
                .admin(ADMIN, ADMIN_PASSWORD)
                // kb-ai alone reaches the broker through the proxy the test cuts
                .setting(KB_AI, "spring.rabbitmq.host", "127.0.0.1")
                .setting(KB_AI, "spring.rabbitmq.port", String.valueOf(broker.port()))
                // the killed process's claims are taken again after their lease: shortened (3 min) so the run stays short;
                // still well above a question's time (retrieval + the model's 5 s time limit)
                .setting(KB_AI, "kefu.kbai.answer.lease", "20s")
                .setting(KB_AI, "kefu.jobs.local.kb-answer-retry.cron", "*/2 * * * * *")
                .start();
        api = suite.api();
        db = DriverManager.getConnection(infra.jdbcUrl(), infra.dbUser(), infra.dbPassword());

        String superadmin = api.login(ADMIN, ADMIN_PASSWORD);
        tenantId = api.call("POST", "/api/admin/tenants", superadmin, Map.of("name", "E2E AI faults " + UUID.randomUUID(), "miniAppId", MINI_APP,
                "miniAppSecret", "e2e-secret", "config", Map.of("autoMode", true, "replyDelay", 0, "businessHours", "00:00-24:00")))
                .path("id").asString();
        owner = api.createStaff(superadmin, tenantId, "店长", List.of("admin")).token();
        api.call("PUT", "/api/queue/rules", owner, Map.of("aiFirst", true, "defaultGroup", "default", "engineerGroup", "engineers",
                "vipCustomers", List.of(), "intentGroups", Map.of("aftersale", "default", "presale", "default", "human", "default",
                        "complaint", "default", "other", "default")));
        int n = 0;
        for (var faq : FAQ.entrySet()) {
            api.call("POST", "/api/kb/items", owner, Map.of("question", faq.getKey(), "answer", faq.getValue(), "category", "常见问题" + n++));
        }
        api.call("PUT", "/api/kb/ai-settings", owner, Map.of("baseUrl", model.baseUrl() + "/v1", "model", "qwen-e2e", "apiKey", "sk-e2e",
                "timeoutMs", 5000, "lowBand", "review"));
        // what the accounting below relies on: the FAQ is the top band, a tagged question is not
        for (String question : FAQ.keySet()) {
            awaitTrue("\"" + question + "\" is the top band", Duration.ofSeconds(60), () -> "auto".equals(band(question)));
        }
        assertThat(band(question(0, 1))).isNotEqualTo("auto");
    }

    @AfterAll
    static void stopTheSuite() throws Exception {
        if (suite != null) {
            suite.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (db != null) {
            db.close();
        }
        for (WireMockServer server : new WireMockServer[] {wechat, model}) {
            if (server != null) {
                server.stop();
            }
        }
    }

    /** What customer {@code c} asks at position {@code p}: FAQ questions and tagged ones, an H question last in every third conversation. */
    static String question(int c, int p) {
        if (p % 2 == 0) {
            return new ArrayList<>(FAQ.keySet()).get((c + p / 2) % FAQ.size());
        }
        if (p == PER_CUSTOMER - 1 && c % 3 == 0) {
            return "请问 H" + c + "-" + p + " 型号的保修卡丢了还能保修吗？";
        }
        return "请问 T" + c + "-" + p + " 这款能开增值税专用发票吗？";
    }

    /** One customer: the socket, and what it received. */
    record Customer(int index, String token, StompTestClient socket, List<JsonNode> aiFrames, Map<String, JsonNode> acks) {
    }

    @Test
    @Order(1)
    void everyQuestionGetsExactlyOneAnswerOrHandOverAcrossAKillAndABrokerOutage() throws Exception {
        List<Customer> customers = new ArrayList<>();
        for (int c = 0; c < CUSTOMERS; c++) {
            String token = api.customerLogin("kbf-customer-" + c, MINI_APP);
            List<JsonNode> frames = new CopyOnWriteArrayList<>();
            Map<String, JsonNode> acks = new ConcurrentHashMap<>();
            StompTestClient socket = StompTestClient.connect(api.ws(), token);
            socket.subscribe("/user/queue/messages", f -> {
                if ("ai".equals(f.path("senderType").asString())) {
                    frames.add(f);
                }
            }).subscribe("/user/queue/acks", f -> acks.put(f.path("clientMsgId").asString(), f)).ready();
            customers.add(new Customer(c, token, socket, frames, acks));
        }
        try {
            CountDownLatch restarted = new CountDownLatch(1);
            int[] sentSoFar = new int[1];
            // The customers, paced (~15 messages/s in all); they go on writing while kb-ai is down.
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    for (int p = 0; p < PER_CUSTOMER; p++) {
                        if (p == 5) {
                            restarted.await(5, TimeUnit.MINUTES);
                        }
                        for (Customer customer : customers) {
                            customer.socket().send("/app/chat.send", Map.of("content", question(customer.index(), p), "clientMsgId", clientMsgId(customer, p)));
                            sentSoFar[0]++;
                            Thread.sleep(60);
                        }
                        if (p == 0) {
                            // the first message opens the conversation; the rest must land in it
                            for (Customer customer : customers) {
                                awaitTrue("the first message is stored", Duration.ofSeconds(60), () -> customer.acks().containsKey(clientMsgId(customer, 0)));
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });

            // Mid-flow, with drafts in the model's hands: kill -9.
            awaitTrue("answers flow and the model has calls in flight", Duration.ofMinutes(3),
                    () -> aiFrames(customers) >= 20 && PLAYED.inFlight() >= 3);
            int framesAtKill = aiFrames(customers);
            int callsAtKill = PLAYED.calls.size();
            int inFlightAtKill = PLAYED.inFlight();
            List<String> inFlightTags = PLAYED.inFlightTags();
            suite.kill(KB_AI);
            // Once the process is gone, not before the signal: it went on writing for microseconds after a clock read
            // taken before the kill (a row 7 µs "after the kill" that it had claimed).
            java.time.Instant killedAtWall = java.time.Instant.now();
            long restartBegan = System.nanoTime();
            suite.restart(KB_AI);
            long restartMs = (System.nanoTime() - restartBegan) / 1_000_000;
            long restartedAt = System.nanoTime();
            int sentAtRestart = sentSoFar[0];
            restarted.countDown();

            // Later, while the restarted service drains what waited and the customers go on: the broker connection cut.
            awaitTrue("the restarted kb-ai answers", Duration.ofMinutes(3), () -> PLAYED.callsSince(restartedAt) >= 10);
            broker.cut();
            int framesAtCut = aiFrames(customers);
            Thread.sleep(5_000); // the outage itself
            broker.restore();
            sending.get(5, TimeUnit.MINUTES);

            List<Message> messages = new ArrayList<>();
            for (Customer customer : customers) {
                for (int p = 0; p < PER_CUSTOMER; p++) {
                    String clientMsgId = clientMsgId(customer, p);
                    awaitTrue("the ack of " + clientMsgId, Duration.ofSeconds(60), () -> customer.acks().containsKey(clientMsgId));
                    JsonNode ack = customer.acks().get(clientMsgId);
                    messages.add(new Message(customer, p, question(customer.index(), p), UUID.fromString(ack.path("messageId").asString()),
                            UUID.fromString(ack.path("conversationId").asString())));
                }
            }
            long settleBegan = System.nanoTime();
            awaitTrue("every question settled and every reply delivered", SETTLE, () -> settled(messages, customers));
            long settleMs = (System.nanoTime() - settleBegan) / 1_000_000;

            Map<UUID, Row> rows = rows();
            Set<UUID> asked = askedByRouting();
            Map<UUID, List<Message>> byConversation = messages.stream().collect(Collectors.groupingBy(Message::conversationId));
            assertThat(byConversation).as("one conversation per customer").hasSize(CUSTOMERS);

            // Nothing lost: every message routing asked about has its outcome; the rest wait for people in a handed-over conversation.
            Set<UUID> handedOverConversations = rows.values().stream().filter(r -> r.status().equals("handed_off")).map(Row::conversationId)
                    .collect(Collectors.toSet());
            int withPeople = 0;
            for (Message m : messages) {
                Row row = rows.get(m.id());
                if (asked.contains(m.id()) || row != null) {
                    assertThat(row).as("kb-ai's outcome of " + m).isNotNull();
                    assertThat(row.status()).as("outcome of " + m).isIn("sent", "draft", "handed_off");
                    if (m.faq()) {
                        assertThat(row.status()).as(m + " is answered from the KB").isEqualTo("sent");
                        assertThat(row.answer()).isEqualTo(FAQ.get(m.question()));
                    } else if (m.question().contains(" H")) {
                        assertThat(row.status()).as(m + ": the model cannot answer it").isEqualTo("handed_off");
                    }
                } else {
                    withPeople++;
                    assertThat(handedOverConversations).as(m + " was not asked of the AI: its conversation must have been handed over")
                            .contains(m.conversationId());
                }
            }

            // The customers' view: exactly one AI message per outcome, on the socket and in history, and none without one.
            Map<UUID, Row> rowById = rows.values().stream().collect(Collectors.toMap(Row::id, r -> r));
            int historyAiMessages = 0;
            for (Customer customer : customers) {
                UUID conversation = messages.stream().filter(m -> m.customer() == customer).findFirst().orElseThrow().conversationId();
                List<JsonNode> history = history(conversation, customer.token());
                Map<String, Long> customerLines = history.stream().filter(h -> "customer".equals(h.path("senderType").asString()))
                        .collect(Collectors.groupingBy(h -> h.path("id").asString(), Collectors.counting()));
                assertThat(customerLines).as("the customer's lines in history").hasSize(PER_CUSTOMER).allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
                List<JsonNode> ai = history.stream().filter(h -> "ai".equals(h.path("senderType").asString())).toList();
                historyAiMessages += ai.size();
                Map<String, List<JsonNode>> byAnswer = ai.stream().collect(Collectors.groupingBy(h -> h.path("extra").path("aiAnswerId").asString()));
                for (var entry : byAnswer.entrySet()) {
                    Row row = rowById.get(UUID.fromString(entry.getKey()));
                    assertThat(row).as("the AI message answers a question of this conversation: " + entry.getValue()).isNotNull();
                    assertThat(row.conversationId()).isEqualTo(conversation);
                    assertThat(entry.getValue()).as("AI messages in history for the question " + row.messageId()).hasSize(1);
                    JsonNode reply = entry.getValue().getFirst();
                    String origin = reply.path("extra").path("origin").asString();
                    switch (row.status()) {
                        case "sent" -> assertThat(origin + " " + reply.path("content").asString()).isEqualTo("auto " + row.answer());
                        case "draft" -> assertThat(origin).isEqualTo("holding");
                        default -> assertThat(origin).isEqualTo("fallback");
                    }
                }
                Set<UUID> outcomes = rows.values().stream().filter(r -> r.conversationId().equals(conversation)).map(Row::id).collect(Collectors.toSet());
                assertThat(byAnswer.keySet().stream().map(UUID::fromString).collect(Collectors.toSet()))
                        .as("every outcome of the conversation reached the customer").isEqualTo(outcomes);
                Map<String, Long> pushed = customer.aiFrames().stream().collect(Collectors.groupingBy(f -> f.path("id").asString(), Collectors.counting()));
                assertThat(pushed.keySet()).as("the AI messages pushed on the socket are those in history")
                        .isEqualTo(ai.stream().map(h -> h.path("id").asString()).collect(Collectors.toSet()));
                assertThat(pushed).as("each AI message pushed once").allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
            }

            // Hand-overs: each handed-over conversation is in the human queue once; the others are still with the AI.
            List<String> queue = new ArrayList<>();
            for (JsonNode route : api.call("GET", "/api/queue?group=default", owner, null)) {
                queue.add(route.path("conversationId").asString());
            }
            assertThat(queue).as("the human queue").doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(handedOverConversations.stream().map(UUID::toString).toList());

            Map<String, Long> outcomes = rows.values().stream().collect(Collectors.groupingBy(r -> r.status() + (r.reason() == null ? "" : "/" + r.reason()),
                    Collectors.counting()));
            Map<String, Long> retaken = rows.values().stream().filter(r -> r.attempts() > 1)
                    .collect(Collectors.groupingBy(r -> r.status() + "/" + r.attempts(), Collectors.counting()));
            System.out.printf("[e2e] AI first line under faults: %d messages from %d customers; outcomes %s (taken again after the kill: %s);"
                    + " %d waiting for people after a hand-over; %d AI messages in history; killed after %d AI messages with %d model calls"
                    + " (%d in flight), restarted in %d ms (%d messages sent by then); broker cut after %d AI messages for 5 s; %d model calls"
                    + " in all; settled %d ms after the last message; load average %s%n", messages.size(), CUSTOMERS, outcomes, retaken, withPeople,
                    historyAiMessages, framesAtKill, callsAtKill, inFlightAtKill, restartMs, sentAtRestart, framesAtCut, PLAYED.calls.size(),
                    settleMs, loadAverage());

            // The model: one call of each kind per attempt, and a further attempt only for a claim the killed process held.
            Map<String, Message> byTag = messages.stream().filter(m -> !m.faq()).collect(Collectors.toMap(Message::tag, m -> m));
            assertThat(PLAYED.calls).as("FAQ questions never reach the model").allSatisfy(call -> assertThat(byTag).containsKey(call.tag()));
            Map<String, List<PlayedModel.Call>> callsByTag = PLAYED.calls.stream().collect(Collectors.groupingBy(PlayedModel.Call::tag));
            Set<String> reAsked = new HashSet<>();
            for (Message m : byTag.values()) {
                Row row = rows.get(m.id());
                List<PlayedModel.Call> calls = callsByTag.getOrDefault(m.tag(), List.of());
                if (row == null) {
                    assertThat(calls).as(m + " was never kb-ai's: the model never heard of it").isEmpty();
                    continue;
                }
                List<PlayedModel.Call> answers = calls.stream().filter(PlayedModel.Call::answer).toList();
                List<PlayedModel.Call> intents = calls.stream().filter(call -> !call.answer()).toList();
                assertThat(answers.size()).as(m + ": at most one answer call per attempt").isLessThanOrEqualTo(row.attempts());
                assertThat(intents.size()).as(m + ": at most one intent call per attempt").isLessThanOrEqualTo(row.attempts());
                if (row.attempts() > 1) {
                    assertThat(row.createdAt()).as(m + " was taken again, so the killed process had claimed it").isBefore(killedAtWall);
                }
                if (answers.size() > 1) {
                    reAsked.add(m.tag());
                }
                if (!answers.isEmpty() && "draft".equals(row.status())) {
                    assertThat(row.draft()).as(m + ": the draft stored is the reply to its last call, the earlier one was never stored")
                            .contains(answers.getLast().id());
                }
            }
            assertThat(reAsked).as("questions whose model call the kill interrupted were asked again; in flight at the kill: "
                    + inFlightTags.stream().map(t -> t + " " + rows.get(byTag.get(t).id())).toList()).isNotEmpty();

            System.out.printf("[e2e] %d questions asked of the model again after the kill%n", reAsked.size());
        } finally {
            customers.forEach(c -> c.socket().close());
        }
    }

    @Test
    @Order(2)
    void aBulkImportKilledMidImportLeavesEveryItemOnceAndSearchableAfterARetry() throws Exception {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < IMPORT_ITEMS; i++) {
            items.add(Map.of("question", "型号 KX" + i + " 的说明书在哪里下载？", "similarQuestions", List.of("KX" + i + " 说明书下载"),
                    "answer", "KX" + i + " 的说明书在官网“服务支持”页下载（资料编号 " + i + "）。", "category", "资料"));
        }
        HttpRequest bulk = bulkImport(items);
        // The moment of the fault: a third of the way through an import of as many items, timed on this machine just
        // before with other items (kb-ai is embedding the import's phrasings then). A fixed 1.5 s was past the end of
        // the whole import on a fast machine.
        List<Map<String, Object>> others = new ArrayList<>();
        for (int i = 0; i < IMPORT_ITEMS; i++) {
            others.add(Map.of("question", "配件 P" + i + " 的保修期是多久？", "similarQuestions", List.of("P" + i + " 保修多久"),
                    "answer", "P" + i + " 配件保修一年（条目 " + i + "）。", "category", "保修"));
        }
        long timedFrom = System.nanoTime();
        HttpResponse<String> timed = HTTP.send(bulkImport(others), HttpResponse.BodyHandlers.ofString());
        assertThat(timed.statusCode()).as(timed.body()).isEqualTo(200);
        long importMillis = Duration.ofNanos(System.nanoTime() - timedFrom).toMillis();
        CompletableFuture<HttpResponse<String>> first = HTTP.sendAsync(bulk, HttpResponse.BodyHandlers.ofString());
        Thread.sleep(Math.max(50, importMillis / 3));
        assertThat(first.isDone() && first.join().statusCode() == 200).as("the import (" + importMillis + " ms when timed) was still running "
                + "when kb-ai was killed").isFalse();
        suite.kill(KB_AI);
        suite.restart(KB_AI);
        int survived = imported().size();
        assertThat(survived).as("one transaction: none or all of the import survived the kill").isIn(0, IMPORT_ITEMS);

        // the retry embeds everything again when nothing survived (and the restarted service may still be loading its model)
        HttpResponse<String> retried = HTTP.send(bulk, HttpResponse.BodyHandlers.ofString());
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        JsonNode report = GatewayApi.JSON.readTree(retried.body());
        assertThat(report.path("rejected").asInt()).isZero();
        assertThat(report.path("created").asInt() + report.path("updated").asInt()).isEqualTo(IMPORT_ITEMS);

        Map<String, List<String>> stored = imported();
        assertThat(stored).as("every imported question stored").hasSize(IMPORT_ITEMS);
        assertThat(stored).as("each exactly once").allSatisfy((question, ids) -> assertThat(ids).hasSize(1));
        List<String> missed = new ArrayList<>();
        for (var entry : stored.entrySet()) {
            // straight to kb-ai: the gateway's per-user rate limit is not what this proves
            JsonNode top = search(entry.getKey()).path("hits").path(0);
            if (!entry.getValue().getFirst().equals(top.path("itemId").asString())) {
                missed.add(entry.getKey() + " → " + top);
            }
        }
        assertThat(missed).as("imported items whose own question does not find them first").isEmpty();
        System.out.printf("[e2e] bulk import of %d items killed mid-import: %d survived the kill; the retry created %d, updated %d;"
                + " all %d found by their question; load average %s%n", IMPORT_ITEMS, survived, report.path("created").asInt(),
                report.path("updated").asInt(), stored.size(), loadAverage());
    }

    private static HttpRequest bulkImport(List<Map<String, Object>> items) {
        return HttpRequest.newBuilder(api.uri("/api/kb/items/bulk")).timeout(Duration.ofMinutes(3)).header("Authorization", "Bearer " + owner)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(GatewayApi.JSON.writeValueAsString(items)))
                .build();
    }

    /** The tenant's imported items: question → ids, read through the API (every page). */
    private static Map<String, List<String>> imported() {
        Map<String, List<String>> out = new HashMap<>();
        for (int page = 1; ; page++) {
            JsonNode view = api.call("GET", "/api/kb/items?q=KX&pageSize=200&page=" + page, owner, null);
            for (JsonNode item : view.path("items")) {
                out.computeIfAbsent(item.path("question").asString(), q -> new ArrayList<>()).add(item.path("id").asString());
            }
            if (view.path("items").size() < 200) {
                return out;
            }
        }
    }

    /** A customer message as the test sent it and chat acknowledged it. */
    record Message(Customer customer, int position, String question, UUID id, UUID conversationId) {

        boolean faq() {
            return FAQ.containsKey(question);
        }

        String tag() {
            Matcher m = TAG.matcher(question);
            return m.find() ? m.group() : question;
        }

        @Override
        public String toString() {
            return "message " + position + " of customer " + customer.index() + " (" + question + ", " + id + ")";
        }
    }

    /** kb-ai's record of a question (table ai_answer): the outcome, how many attempts it took. */
    record Row(UUID id, UUID messageId, UUID conversationId, String status, int attempts, String answer, String draft, String reason,
            java.time.Instant createdAt) {
    }

    private static Map<UUID, Row> rows() throws SQLException {
        Map<UUID, Row> rows = new HashMap<>();
        try (var statement = db.prepareStatement("""
                select id, message_id, conversation_id, status, attempts, answer, draft, handoff_reason, created_at from kb_ai.ai_answer
                where tenant_id = ?""")) {
            statement.setObject(1, UUID.fromString(tenantId));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    Row row = new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class), rs.getString(4),
                            rs.getInt(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getTimestamp(9).toInstant());
                    assertThat(rows.put(row.messageId(), row)).as("one record per customer message").isNull();
                }
            }
        }
        return rows;
    }

    /** The messages routing asked kb-ai to answer (its outbox). */
    private static Set<UUID> askedByRouting() throws SQLException {
        Set<UUID> asked = new HashSet<>();
        try (var statement = db.prepareStatement("""
                select envelope -> 'data' ->> 'messageId' from routing.kefu_outbox
                where event_type = 'routing.ai.requested.v1' and envelope ->> 'tenantId' = ?""")) {
            statement.setString(1, tenantId);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    asked.add(UUID.fromString(rs.getString(1)));
                }
            }
        }
        return asked;
    }

    /**
     * Nothing is still on its way: every message is decided by kb-ai or waits for people, kb-ai's events are all
     * published and applied by chat and routing (their inboxes hold every one, so a copy still in a queue would be
     * skipped), and each AI message is on its customer's socket.
     */
    private static boolean settled(List<Message> messages, List<Customer> customers) {
        try {
            Map<UUID, Row> rows = rows();
            Set<UUID> asked = askedByRouting();
            Set<UUID> handedOver = rows.values().stream().filter(r -> r.status().equals("handed_off")).map(Row::conversationId).collect(Collectors.toSet());
            for (Message m : messages) {
                Row row = rows.get(m.id());
                boolean decided = row != null && !row.status().equals("pending");
                if (!decided && (asked.contains(m.id()) || !handedOver.contains(m.conversationId()))) {
                    return false;
                }
            }
            try (var statement = db.prepareStatement("""
                    select count(*) from kb_ai.kefu_outbox o where o.envelope ->> 'tenantId' = ? and (o.published_at is null
                        or (o.event_type = 'kb.answer.sent.v1'
                            and not exists (select 1 from chat.kefu_inbox i where i.consumer = 'chat' and i.event_id = o.id::text))
                        or (o.event_type = 'kb.conversation.handed-off.v1'
                            and not exists (select 1 from routing.kefu_inbox i where i.consumer = 'routing' and i.event_id = o.id::text)))""")) {
                statement.setString(1, tenantId);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return false;
                    }
                }
            }
            long sent = rows.values().stream().filter(r -> !r.status().equals("pending")).count();
            return aiFrames(customers) >= sent;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<JsonNode> history(UUID conversationId, String token) {
        List<JsonNode> all = new ArrayList<>();
        Long before = null;
        do {
            JsonNode page = api.call("GET", "/api/message/history?limit=50&conversationId=" + conversationId + (before == null ? "" : "&before=" + before),
                    token, null);
            page.path("messages").forEach(all::add);
            before = page.path("nextCursor").isNumber() ? page.path("nextCursor").asLong() : null;
        } while (before != null);
        return all;
    }

    private static JsonNode search(String question) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(java.net.URI.create(suite.service(KB_AI).baseUrl() + "/api/kb/search"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + owner).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(GatewayApi.JSON.writeValueAsString(Map.of("query", question, "topK", 1)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return GatewayApi.JSON.readTree(response.body());
    }

    private static String band(String question) {
        return api.call("POST", "/api/kb/search", owner, Map.of("query", question, "topK", 1)).path("band").asString();
    }

    private static int aiFrames(List<Customer> customers) {
        return customers.stream().mapToInt(c -> c.aiFrames().size()).sum();
    }

    private static String clientMsgId(Customer customer, int position) {
        return "kbf-" + customer.index() + "-" + position;
    }

    private static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static String loadAverage() throws java.io.IOException {
        return Files.readString(Path.of("/proc/loadavg")).strip();
    }

    /**
     * The tenant's model as WireMock plays it, by what each call asks: an answer prompt (it carries the KB) is answered
     * after {@link #MODEL_DELAY_MS} with a draft naming the call — or {@code [NOT_COVERED]} for an H question — and the
     * intent prompt at once with "other". Each call is recorded with the tag of the question it asks about.
     */
    static final class PlayedModel implements ResponseDefinitionTransformerV2 {

        record Call(String tag, boolean answer, long at, String id) {
        }

        final List<Call> calls = new CopyOnWriteArrayList<>();

        @Override
        public String getName() {
            return "played-model";
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            JsonNode body = GatewayApi.JSON.readTree(event.getRequest().getBodyAsString());
            StringBuilder system = new StringBuilder();
            String user = "";
            for (JsonNode message : body.path("messages")) {
                String content = message.path("content").isString() ? message.path("content").asString() : message.path("content").toString();
                if ("system".equals(message.path("role").asString())) {
                    system.append(content);
                } else if ("user".equals(message.path("role").asString())) {
                    user = content;
                }
            }
            boolean answer = system.indexOf("知识库：") >= 0;
            Matcher m = TAG.matcher(user);
            String tag = m.find() ? m.group() : user;
            String id = event.getId().toString();
            calls.add(new Call(tag, answer, System.nanoTime(), id));
            String content = !answer ? "other" : tag.startsWith("H") ? "[NOT_COVERED]" : "您好，这个问题我们为您查询后答复（" + id + "）";
            return ResponseDefinitionBuilder.like(event.getResponseDefinition()).withHeader("Content-Type", "application/json")
                    .withBody(completion(content)).withFixedDelay(answer ? MODEL_DELAY_MS : 0).build();
        }

        /** Answer calls that arrived less than the model's delay ago (their reply not yet given). */
        int inFlight() {
            long since = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(MODEL_DELAY_MS - 200);
            return (int) calls.stream().filter(c -> c.answer() && c.at() > since).count();
        }

        List<String> inFlightTags() {
            long since = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(MODEL_DELAY_MS - 200);
            return calls.stream().filter(c -> c.answer() && c.at() > since).map(Call::tag).toList();
        }

        int callsSince(long nanos) {
            return (int) calls.stream().filter(c -> c.at() > nanos).count();
        }
    }
}
