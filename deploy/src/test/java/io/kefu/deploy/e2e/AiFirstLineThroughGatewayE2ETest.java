package io.kefu.deploy.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.kefu.deploy.CodeFacts;
import io.kefu.testsupport.StompTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.kefu.deploy.e2e.GatewayApi.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AI first line as customers and staff meet it, through the gateway and the running jars of auth,
 * chat, routing and kb-ai (real PostgreSQL, Redis, RabbitMQ, the real embedding model; WeChat and the
 * tenant's chat model played by WireMock): a mini-program customer's FAQ question is answered by the AI
 * at once; a looser question becomes a draft a reviewer edits and sends, and the customer receives the
 * edit; "转人工" reaches the online agent; with the model answering 500 the customer gets the polite
 * fallback and the agent. Also prints the auto-answer latency and kb-ai's start-up time and memory.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AiFirstLineThroughGatewayE2ETest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String ADMIN = "e2e-kbai-admin"; // its own: the e2e classes share one database
    static final String ADMIN_PASSWORD = "e2e-admin-password-" + UUID.randomUUID();
    static final String MINI_APP = "wx-e2e-kbai-" + UUID.randomUUID().toString().substring(0, 8);
    static final String REFUND_ANSWER = "在订单详情页点击“申请退款”，选择原因后提交，1-3个工作日原路退回。";
    static final String REWRITTEN = "您好！退款请在订单详情页点击“申请退款”，提交后1-3个工作日原路退回。";
    static final String FALLBACK = "抱歉，这个问题我暂时无法准确回答";

    static WireMockServer wechat;
    static WireMockServer model;
    static SuiteProcesses suite;
    static GatewayApi api;
    static String tenantId;
    static GatewayApi.Staff owner;
    static GatewayApi.Staff agent;
    static StompTestClient agentSocket;
    static long suiteStartMs;

    @BeforeAll
    static void startTheSuite() throws Exception {
        wechat = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wechat.start();
        for (int i = 1; i <= 4; i++) {
            wechat.stubFor(get(urlPathEqualTo("/sns/jscode2session")).withQueryParam("js_code", equalTo("kb-customer-" + i))
                    .willReturn(json("{\"openid\":\"o-kb-" + i + "-" + UUID.randomUUID() + "\",\"session_key\":\"sk\"}")));
        }
        model = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        model.start();
        model.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(json(completion(REWRITTEN))));

        long t0 = System.nanoTime();
        suite = SuiteProcesses.of("auth-service", "chat-service", "routing-service", "kb-ai-service")
                .everywhere("WECHAT_API_BASE_URL", wechat.baseUrl())
                .admin(ADMIN, ADMIN_PASSWORD)
                .start();
        suiteStartMs = (System.nanoTime() - t0) / 1_000_000;
        api = suite.api();

        String superadmin = api.login(ADMIN, ADMIN_PASSWORD);
        // auto mode on, no reply delay, open all day: auth publishes it, kb-ai applies it
        tenantId = api.call("POST", "/api/admin/tenants", superadmin, Map.of("name", "E2E AI shop " + UUID.randomUUID(), "miniAppId", MINI_APP,
                "miniAppSecret", "e2e-secret", "config", Map.of("autoMode", true, "replyDelay", 0, "businessHours", "00:00-24:00")))
                .path("id").asString();
        owner = api.createStaff(superadmin, tenantId, "店长", List.of("admin"));
        agent = api.createStaff(superadmin, tenantId, "小王", List.of("agent"));

        api.call("PUT", "/api/queue/rules", owner.token(), Map.of("aiFirst", true, "defaultGroup", "default", "engineerGroup", "engineers",
                "vipCustomers", List.of(), "intentGroups", Map.of("aftersale", "default", "human", "default")));
        item("怎么申请退款？", List.of("退款怎么操作", "我想退款"), REFUND_ANSWER, "售后");
        item("营业时间是几点？", List.of("你们几点上班", "几点开门"), "我们的营业时间是每天 9:00-21:00，节假日照常营业。", "门店");
        item("快递一般几天到？", List.of("多久能收到货", "发货后几天送达"), "江浙沪1-2天，其他地区3-5天，偏远地区5-7天。", "物流");
        api.call("PUT", "/api/kb/ai-settings", owner.token(), Map.of("baseUrl", model.baseUrl() + "/v1", "model", "qwen-e2e", "apiKey",
                "sk-e2e-key", "timeoutMs", 5000, "lowBand", "review"));

        // routing learns of the agent from auth's staff event; the agent goes online with a socket open
        awaitTrue("routing knows the agent", () -> api.status("PUT", "/api/staff/status", agent.token(), Map.of("status", "online")) == 200);
        agentSocket = StompTestClient.connect(api.ws(), agent.token());
        agentSocket.subscribe("/user/queue/messages").subscribe("/user/queue/conversations").ready();
    }

    @AfterAll
    static void stopTheSuite() throws Exception {
        if (agentSocket != null) {
            agentSocket.close();
        }
        if (suite != null) {
            suite.close();
        }
        for (WireMockServer server : new WireMockServer[] {wechat, model}) {
            if (server != null) {
                server.stop();
            }
        }
    }

    @Test
    @Order(1)
    void aMiniProgramCustomersFaqQuestionIsAnsweredByTheAiAtOnce() throws Exception {
        String customer = api.customerLogin("kb-customer-1", MINI_APP);
        try (StompTestClient socket = StompTestClient.connect(api.ws(), customer)) {
            socket.subscribe("/user/queue/acks").subscribe("/user/queue/messages").ready();
            List<String> questions = List.of("怎么申请退款？", "营业时间是几点？", "快递一般几天到？");
            List<String> answers = List.of("1-3个工作日原路退回", "9:00-21:00", "江浙沪1-2天");
            List<Long> latencies = new ArrayList<>();
            String conversationId = null;
            for (int i = 0; i < 20; i++) {
                String clientMsgId = "kb-e2e-" + i;
                long sent = System.nanoTime();
                socket.send("/app/chat.send", Map.of("content", questions.get(i % 3), "clientMsgId", clientMsgId));
                JsonNode ack = socket.await("/user/queue/acks", WAIT, f -> clientMsgId.equals(f.path("clientMsgId").asString()));
                conversationId = ack.path("conversationId").asString();
                String expected = answers.get(i % 3);
                JsonNode answer = socket.await("/user/queue/messages", WAIT, f -> f.path("content").asString().contains(expected));
                latencies.add((System.nanoTime() - sent) / 1_000_000);
                assertThat(answer.path("senderType").asString()).isEqualTo("ai");
            }
            String conversation = conversationId;
            JsonNode history = api.call("GET", "/api/message/history?conversationId=" + conversation, customer, null).path("messages");
            assertThat(history.findValuesAsString("content")).contains(REFUND_ANSWER);
            // the AI alone: no agent was given the conversation
            assertThat(agentSocket.drain("/user/queue/conversations")).noneMatch(f -> conversation.equals(conversationIdOf(f)));
            Collections.sort(latencies);
            System.out.printf("FIGURE auto-answer through the gateway (STOMP send → AI message on the customer's socket), 20 questions:"
                    + " p50 %d ms, p95 %d ms, max %d ms; load average %s%n", latencies.get(9), latencies.get(18), latencies.get(19), loadAverage());
        }
    }

    @Test
    @Order(2)
    void aMiddleBandQuestionBecomesADraftThatAReviewerEditsAndSendsAndTheCustomerReceives() throws Exception {
        String question = draftBandQuestion();
        String customer = api.customerLogin("kb-customer-2", MINI_APP);
        String conversationId = api.call("POST", "/api/message/send", customer, Map.of("content", question)).path("conversationId").asString();

        String[] draftId = new String[1];
        awaitTrue("the draft waits for review", () -> {
            for (JsonNode d : api.call("GET", "/api/kb/reviews?pageSize=100", agent.token(), null).path("items")) {
                if (conversationId.equals(d.path("conversationId").asString())) {
                    draftId[0] = d.path("id").asString();
                    return true;
                }
            }
            return false;
        });
        JsonNode draft = api.call("GET", "/api/kb/reviews/" + draftId[0], agent.token(), null);
        assertThat(draft.path("question").asString()).isEqualTo(question);
        assertThat(draft.path("draft").asString()).isEqualTo(REWRITTEN); // the model's rewrite of the KB answer
        model.verify(postRequestedFor(urlPathEqualTo("/v1/chat/completions")).withHeader("Authorization", equalTo("Bearer sk-e2e-key")));
        // the customer was told to wait, and has not yet seen any answer
        awaitTrue("the holding notice", () -> aiMessages(conversationId, customer).size() == 1);
        assertThat(aiMessages(conversationId, customer)).noneMatch(c -> c.contains("1-3个工作日"));

        api.call("POST", "/api/kb/reviews/" + draftId[0] + "/claim", agent.token(), null);
        String edited = "您好，退款在订单详情页申请即可，审核通过后1-3个工作日原路退回，有问题随时找我们～";
        JsonNode sent = api.call("POST", "/api/kb/reviews/" + draftId[0] + "/send", agent.token(), Map.of("answer", edited));
        assertThat(sent.path("verdict").asString()).isEqualTo("edited");
        awaitTrue("the customer receives the edited answer", () -> aiMessages(conversationId, customer).contains(edited));
        assertThat(aiMessages(conversationId, customer)).doesNotContain(REWRITTEN);
    }

    @Test
    @Order(3)
    void aCustomerAskingForAPersonReachesTheOnlineAgent() throws Exception {
        String customer = api.customerLogin("kb-customer-3", MINI_APP);
        String conversationId = api.call("POST", "/api/message/send", customer, Map.of("content", "转人工")).path("conversationId").asString();
        JsonNode assigned = agentSocket.await("/user/queue/conversations", WAIT, f -> conversationId.equals(conversationIdOf(f))
                && agent.id().equals(f.path("agentId").asString()));
        assertThat(assigned.path("status").asString()).isEqualTo("active");
        JsonNode history = api.call("GET", "/api/message/history?conversationId=" + conversationId, agent.token(), null).path("messages");
        assertThat(history.findValuesAsString("content")).contains("转人工");
    }

    @Test
    @Order(4)
    void withTheModelDownTheCustomerGetsTheFallbackAndAnAgent() throws Exception {
        model.resetAll();
        model.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(500).withBody("{\"error\":\"down\"}")));
        String customer = api.customerLogin("kb-customer-4", MINI_APP);
        String conversationId = api.call("POST", "/api/message/send", customer, Map.of("content", "你们能开增值税专用发票吗？抬头怎么填"))
                .path("conversationId").asString();

        awaitTrue("the customer gets the polite fallback", () -> aiMessages(conversationId, customer).stream().anyMatch(c -> c.contains(FALLBACK)));
        JsonNode assigned = agentSocket.await("/user/queue/conversations", WAIT, f -> conversationId.equals(conversationIdOf(f))
                && agent.id().equals(f.path("agentId").asString()));
        assertThat(assigned.path("status").asString()).isEqualTo("active");
        assertThat(model.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions")))).isNotEmpty(); // the model was asked, and failed
        // the agent sees what the customer asked and what the AI said
        List<String> seen = api.call("GET", "/api/message/history?conversationId=" + conversationId, agent.token(), null).path("messages")
                .findValuesAsString("content");
        assertThat(seen).anyMatch(c -> c.contains("增值税专用发票")).anyMatch(c -> c.contains(FALLBACK));
    }

    @Test
    @Order(5)
    void kbAisStartUpAndMemoryWithTheModelLoadedArePrinted() throws Exception {
        Path log = CodeFacts.ROOT.resolve("deploy/target/e2e-logs/kb-ai-service.log");
        String text = Files.readString(log);
        Optional<String> started = first(text, "Started KbAiApplication in ([0-9.]+) seconds");
        Optional<String> modelLoaded = first(text, "Loaded bge-small-zh-v1.5 in ([0-9]+) ?ms");
        assertThat(started).as("kb-ai's start-up line in " + log).isPresent();
        int port = suite.service("kb-ai-service").port();
        Optional<ProcessHandle> process = ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains("kb-ai-service")
                && c.contains("--server.port=" + port)).orElse(false)).findFirst();
        assertThat(process).as("kb-ai's process").isPresent();
        System.out.printf("FIGURE kb-ai-service: started in %s s (model loaded in %s ms, in the background), resident %s, flags of the e2e"
                + " run (-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1); the whole suite of 5 JVMs started in %d ms; load average %s%n",
                started.get(), modelLoaded.orElse("?"), resident(process.get().pid()), suiteStartMs, loadAverage());
    }

    /** A question the KB answers only loosely (the middle band), asked of kb-ai's search as an admin tests the KB. */
    private static String draftBandQuestion() {
        List<String> seen = new ArrayList<>();
        for (String candidate : List.of("东西不想要了退款咋弄", "我想退货退款怎么弄", "申请退款在哪里操作", "钱能退回来吗，怎么弄",
                "买错了想把钱要回来", "不想要了怎么把钱拿回来", "怎样退款")) {
            JsonNode result = api.call("POST", "/api/kb/search", owner.token(), Map.of("query", candidate, "topK", 3));
            if ("draft".equals(result.path("band").asString())) {
                return candidate;
            }
            seen.add(candidate + " → " + result.path("band").asString() + " " + result.path("hits").path(0).path("score").asDouble());
        }
        throw new AssertionError("none of the loose refund questions landed in the middle band: " + seen);
    }

    private static List<String> aiMessages(String conversationId, String token) {
        List<String> contents = new ArrayList<>();
        for (JsonNode m : api.call("GET", "/api/message/history?conversationId=" + conversationId, token, null).path("messages")) {
            if ("ai".equals(m.path("senderType").asString())) {
                contents.add(m.path("content").asString());
            }
        }
        return contents;
    }

    private static void item(String question, List<String> similar, String answer, String category) {
        api.call("POST", "/api/kb/items", owner.token(), Map.of("question", question, "similarQuestions", similar, "answer", answer,
                "category", category));
    }

    private static String conversationIdOf(JsonNode frame) {
        return frame.has("conversationId") ? frame.path("conversationId").asString() : frame.path("id").asString();
    }

    private static Optional<String> first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static String resident(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .map(l -> l.substring(6).strip()).findFirst().orElse("n/a");
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).strip();
    }

    static String completion(String content) {
        return GatewayApi.JSON.writeValueAsString(Map.of("id", "chatcmpl-e2e", "object", "chat.completion", "created", 1_700_000_000, "model",
                "qwen-e2e", "choices", List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", content), "finish_reason",
                        "stop")), "usage", Map.of("prompt_tokens", 120, "completion_tokens", 30, "total_tokens", 150)));
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }
}
