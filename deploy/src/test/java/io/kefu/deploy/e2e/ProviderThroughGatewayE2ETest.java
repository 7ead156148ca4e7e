package io.kefu.deploy.e2e;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.kefu.testsupport.StompTestClient;
import io.kefu.testsupport.WeChatCallbacks;
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
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service provider's day through the gateway and the running jars of auth, chat and ticket (separate
 * processes; real PostgreSQL, Redis, RabbitMQ; WeCom played by WireMock): the provider signs in, sees the
 * customer the tenant's admin gave them, opens a ticket, replies, escalates; the support staff see it in
 * their escalated list, answer and resolve; the provider's message center shows each step with its
 * unread count (and the escalation arrives live over STOMP). A WeCom employee's {@code #记录客户} through
 * a real encrypted callback records a presale project that {@code #查询进度} then reports, each answer
 * going back through WeCom's app message API.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProviderThroughGatewayE2ETest {

    static final Duration WAIT = GatewayApi.WAIT;
    static final String ADMIN = "e2e-ticket-admin"; // its own: the e2e classes share one database
    static final String ADMIN_PASSWORD = "e2e-admin-password-" + UUID.randomUUID();
    static final String MINI_APP = "wx-e2e-ticket-" + UUID.randomUUID().toString().substring(0, 8);
    static final String CORP = "ww" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    static final int AGENT_ID = 1_000_000 + (int) (Math.random() * 900_000);
    static final String WECOM_TOKEN = "e2eTok" + UUID.randomUUID().toString().substring(0, 6).replace("-", "");
    static final String WECOM_AES_KEY = WeChatCallbacks.newEncodingAesKey();
    static final String EMPLOYEE = "e2e-sales-" + UUID.randomUUID().toString().substring(0, 6);
    static final String WECOM_ACCESS_TOKEN = "CP-TOKEN-" + UUID.randomUUID();

    static WireMockServer wecom;
    static SuiteProcesses suite;
    static GatewayApi api;
    static String superadmin;
    static String tenantId;
    static String adminToken;
    static String supportToken;
    static String providerId;
    static String providerToken;
    static String customerId;
    static String ticketId;

    @BeforeAll
    static void startTheSuite() throws Exception {
        wecom = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wecom.start();
        wecom.stubFor(get(urlPathEqualTo("/cgi-bin/gettoken")).withQueryParam("corpid", equalTo(CORP)).willReturn(json(
                "{\"errcode\":0,\"errmsg\":\"ok\",\"access_token\":\"" + WECOM_ACCESS_TOKEN + "\",\"expires_in\":7200}")));
        wecom.stubFor(post(urlPathEqualTo("/cgi-bin/message/send")).withQueryParam("access_token", equalTo(WECOM_ACCESS_TOKEN))
                .willReturn(json("{\"errcode\":0,\"errmsg\":\"ok\",\"msgid\":\"m1\"}")));

        suite = SuiteProcesses.of("auth-service", "chat-service", "ticket-service")
                .everywhere("WECHAT_API_BASE_URL", wecom.baseUrl())
                .everywhere("WECOM_API_BASE_URL", wecom.baseUrl())
                .admin(ADMIN, ADMIN_PASSWORD)
                .start();
        api = suite.api();

        superadmin = api.login(ADMIN, ADMIN_PASSWORD);
        tenantId = api.createTenant(superadmin, "E2E provider shop", MINI_APP);
        adminToken = api.createStaff(superadmin, tenantId, "管理员", List.of("admin")).token();
        supportToken = api.createStaff(superadmin, tenantId, "客服小李", List.of("agent")).token();
        String username = "e2e-provider-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "e2e-password-" + UUID.randomUUID().toString().substring(0, 8);
        providerId = api.call("POST", "/api/admin/providers", superadmin, Map.of("tenantId", tenantId, "name", "杭州甲科技",
                "username", username, "password", password)).path("id").asString();
        providerToken = api.login(username, password);
    }

    @AfterAll
    static void stopTheSuite() throws Exception {
        if (suite != null) {
            suite.close();
        }
        if (wecom != null) {
            wecom.stop();
        }
    }

    @Test
    @Order(1)
    void theProviderSignsInAndSeesTheCustomerTheAdminGaveThem() throws Exception {
        Map<String, Object> customer = new LinkedHashMap<>();
        customer.put("name", "宁波云帆软件");
        customer.put("contactPerson", "王经理");
        customer.put("phone", "13800138000");
        customer.put("email", "wang@example.com");
        customer.put("region", "浙江");
        customer.put("softwareVersion", "v3.2.1");
        customer.put("portCount", 20);
        customer.put("purchaseDate", LocalDate.now().minusYears(1).toString());
        customer.put("expiryDate", LocalDate.now().plusYears(1).toString());
        customer.put("serviceProviderId", providerId);
        // ticket-service learns of the provider from auth's event; until then the provider is unknown (400).
        String[] created = {null};
        GatewayApi.awaitTrue("ticket-service knows the provider", () -> {
            HttpResponse<String> r = api.send("POST", "/api/customers", adminToken, customer);
            if (r.statusCode() == 201) {
                created[0] = GatewayApi.JSON.readTree(r.body()).path("id").asString();
            }
            return created[0] != null;
        });
        customerId = created[0];

        JsonNode list = api.call("GET", "/api/customers?page=1&pageSize=20", providerToken, null);
        assertThat(list.path("total").asLong()).isEqualTo(1);
        JsonNode seen = list.path("customers").get(0);
        assertThat(seen.path("id").asString()).isEqualTo(customerId);
        assertThat(seen.path("serviceProviderName").asString()).isEqualTo("杭州甲科技");
        assertThat(seen.path("status").asString()).isEqualTo("active");
        assertThat(api.call("GET", "/api/customers/" + customerId, providerToken, null).path("portCount").asInt()).isEqualTo(20);
        JsonNode home = api.call("GET", "/api/home", providerToken, null);
        assertThat(home.path("customers").asLong()).isEqualTo(1);
        assertThat(home.path("unreadMessages").asLong()).isZero();
        // customers are the tenant admin's to create, not the provider's
        assertThat(api.status("POST", "/api/customers", providerToken, customer)).isEqualTo(403);
    }

    @Test
    @Order(2)
    void theProviderOpensRepliesAndEscalatesAndHearsOfItLive() throws Exception {
        JsonNode opened = api.call("POST", "/api/tickets", providerToken, Map.of("customerId", customerId, "title", "端口无法登录",
                "content", "客户 20 个端口中 3 个无法登录", "type", "system_issue"));
        ticketId = opened.path("id").asString();
        assertThat(opened.path("status").asString()).isEqualTo("open");
        JsonNode replied = api.call("POST", "/api/tickets/" + ticketId + "/reply", providerToken, Map.of("content", "已远程排查，疑似授权问题"));
        assertThat(replied.path("success").asBoolean()).isTrue();
        assertThat(replied.path("ticket").path("status").asString()).isEqualTo("processing");
        assertThat(unread()).isZero(); // the provider's own steps are not news to them

        try (StompTestClient socket = StompTestClient.connect(api.ws(), providerToken)) {
            socket.subscribe("/user/queue/notices").ready();
            JsonNode escalated = api.call("POST", "/api/tickets/" + ticketId + "/escalate", providerToken, Map.of("reason", "授权服务需总部处理"));
            assertThat(escalated.path("ticket").path("escalationStatus").asString()).isEqualTo("escalated");
            JsonNode live = socket.await("/user/queue/notices", WAIT, f -> ticketId.equals(f.path("relatedTicketId").asString()));
            assertThat(live.path("title").asString()).startsWith("工单已升级");
        }
        assertThat(unread()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void supportSeesTheEscalationAnswersAndResolvesAndTheMessageCenterTellsEachStep() throws Exception {
        JsonNode escalated = api.call("GET", "/api/tickets?escalationStatus=escalated", supportToken, null);
        assertThat(escalated.path("tickets").valueStream().map(t -> t.path("id").asString())).contains(ticketId);
        api.call("POST", "/api/tickets/" + ticketId + "/reply", supportToken, Map.of("content", "总部已重置授权，请客户重试"));
        assertThat(unread()).isEqualTo(2);
        JsonNode resolved = api.call("POST", "/api/tickets/" + ticketId + "/resolve", supportToken, Map.of("note", "客户确认恢复"));
        assertThat(resolved.path("ticket").path("status").asString()).isEqualTo("resolved");
        assertThat(unread()).isEqualTo(3);

        JsonNode messages = api.call("GET", "/api/messages?page=1&pageSize=20", providerToken, null);
        assertThat(messages.path("messages").valueStream().map(m -> m.path("title").asString().replaceAll("：.*", "")))
                .containsExactly("工单已解决", "工单有新回复", "工单已升级");
        assertThat(messages.path("messages").valueStream().map(m -> m.path("relatedTicketId").asString())).containsOnly(ticketId);
        String newest = messages.path("messages").get(0).path("id").asString();
        api.call("POST", "/api/messages/" + newest + "/read", providerToken, null);
        assertThat(unread()).isEqualTo(2);
        assertThat(api.call("GET", "/api/messages?readStatus=unread", providerToken, null).path("total").asLong()).isEqualTo(2);
        assertThat(api.call("POST", "/api/messages/read-all", providerToken, null).path("updated").asLong()).isEqualTo(2);
        assertThat(unread()).isZero();
        assertThat(api.call("GET", "/api/home", providerToken, null).path("unreadMessages").asLong()).isZero();

        JsonNode history = api.call("GET", "/api/tickets/" + ticketId, providerToken, null).path("processingHistory");
        assertThat(history.size()).isGreaterThanOrEqualTo(5); // created, reply, escalated, reply, resolved
    }

    @Test
    @Order(4)
    void aWecomEmployeeRecordsAProjectAndAsksItsProgress() throws Exception {
        api.call("POST", "/api/admin/channels", adminToken, Map.of("kind", "wecom", "name", "E2E 企业微信", "corpId", CORP, "agentId", AGENT_ID,
                "secret", "s" + UUID.randomUUID().toString().replace("-", ""), "token", WECOM_TOKEN, "encodingAesKey", WECOM_AES_KEY));
        api.call("POST", "/api/admin/staff", superadmin, Map.of("tenantId", tenantId, "name", "王销售", "wecomUserId", EMPLOYEE,
                "username", "e2e-" + EMPLOYEE, "password", "e2e-password-" + UUID.randomUUID().toString().substring(0, 8), "roles",
                List.of("agent"), "department", "sales", "maxConcurrentChats", 5));

        // ticket-service knows the employee once auth's staff event arrives; until then it answers "not bound", so ask again.
        GatewayApi.awaitTrue("#记录客户 is recorded", () -> {
            int before = wecomRequests();
            wrote("#记录客户 赵六 13700137000 需要 50 个端口的客服系统");
            String answer = awaitAnswer(before);
            return answer.contains("售前项目");
        });
        JsonNode projects = api.call("GET", "/api/projects?keyword=13700137000", adminToken, null);
        assertThat(projects.path("total").asLong()).isEqualTo(1);
        assertThat(projects.path("projects").get(0).path("stage").asString()).isEqualTo("presale");

        int before = wecomRequests();
        wrote("#查询进度 13700137000");
        String progress = awaitAnswer(before);
        assertThat(progress).contains("赵六").contains("售前");
    }

    private static long unread() {
        return api.call("GET", "/api/messages", providerToken, null).path("unread").asLong();
    }

    private static int msgCounter = 0;

    /** The employee writes {@code content} to the tenant's WeCom app: a real encrypted callback through the gateway; then chat's processing and ticket's answer follow. */
    private static void wrote(String content) {
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        String nonce = UUID.randomUUID().toString().substring(0, 10);
        long msgId = System.nanoTime() + (msgCounter++);
        String xml = "<xml><ToUserName><![CDATA[" + CORP + "]]></ToUserName><FromUserName><![CDATA[" + EMPLOYEE + "]]></FromUserName><CreateTime>"
                + timestamp + "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" + content + "]]></Content><MsgId>" + msgId
                + "</MsgId><AgentID>" + AGENT_ID + "</AgentID></xml>";
        String encrypted = WeChatCallbacks.encrypt(WECOM_AES_KEY, CORP, xml);
        String body = "<xml><ToUserName><![CDATA[" + CORP + "]]></ToUserName><AgentID><![CDATA[" + AGENT_ID + "]]></AgentID><Encrypt><![CDATA["
                + encrypted + "]]></Encrypt></xml>";
        String query = "?msg_signature=" + WeChatCallbacks.msgSignature(WECOM_TOKEN, timestamp, nonce, encrypted) + "&timestamp=" + timestamp
                + "&nonce=" + nonce;
        HttpResponse<String> answer = api.send(HttpRequest.newBuilder(api.uri("/callback/wecom/" + CORP + "/" + AGENT_ID + query))
                .header("Content-Type", "text/xml").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    private static int wecomRequests() {
        return wecom.findAll(postRequestedFor(urlPathEqualTo("/cgi-bin/message/send"))).size();
    }

    /** The text of the next app message WeCom was asked to send to the employee after {@code before} earlier ones. */
    private static String awaitAnswer(int earlier) {
        String[] text = {null};
        try {
            GatewayApi.awaitTrue("an answer to the employee", () -> {
                List<LoggedRequest> sent = wecom.findAll(postRequestedFor(urlPathEqualTo("/cgi-bin/message/send")));
                if (sent.size() <= earlier) {
                    return false;
                }
                JsonNode message = GatewayApi.JSON.readTree(sent.get(earlier).getBodyAsString());
                assertThat(message.path("touser").asString()).isEqualTo(EMPLOYEE);
                text[0] = message.path("text").path("content").asString();
                return true;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return text[0];
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }
}
