package io.kefu.ticket.linking;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.kefu.testsupport.TestEvents;
import io.kefu.ticket.PushItSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A chat customer becomes a provider's customer: by proving a phone with an SMS code that push-service
 * (WireMock here, its real internal API shape) sends, or when a WeCom employee adds them as a contact.
 * Codes expire, die after their attempts, are limited, and never tell whether a number is known.
 */
class CustomerLinksIT extends PushItSupport {

    UUID template;
    UUID chatCustomer;
    String customerToken;

    @BeforeEach
    void pushKnowsATemplateOfThisTenant() {
        template = UUID.randomUUID();
        configure(Map.of("kefu.ticket.links.sms-templates." + tenant, template.toString()));
        chatCustomer = UUID.randomUUID();
        customerToken = customer(chatCustomer, tenant);
    }

    @Test
    void theCodeGoesOutThroughPushAndProvingThePhoneLinksTheCustomerToTheirTickets() {
        UUID client = customerOf(providerA, "杭州云帆科技");
        UUID providersTicket = ticket(tokenA, client, "端口无法登录");
        assertThat(call("GET", "/api/tickets", null, customerToken).body().get("total").asLong()).isZero();

        Response asked = call("POST", "/api/customer-links/phone/code", Map.of("phone", "+86 138-0013-8000"), customerToken);
        assertThat(asked.status()).as(asked.body().toString()).isEqualTo(202);
        String code = sentCode("13800138000");
        LoggedRequest sms = PUSH.findAll(postRequestedFor(urlEqualTo("/internal/push/send"))).getFirst();
        assertThat(sms.getHeader("X-Kefu-Internal-Token")).isEqualTo("kefu-local-internal-token");
        assertThat(sms.getHeader("Idempotency-Key")).startsWith("ticket-link-code:");
        JsonNode body = JSON.readTree(sms.getBodyAsString());
        assertThat(body.get("tenantId").asString()).isEqualTo(tenant.toString());
        assertThat(body.get("template_id").asString()).isEqualTo(template.toString());
        // only a hash of the code is stored
        assertThat(jdbc.queryForObject("select count(*) from phone_code where chat_customer_id = ? and code_hash like ?", Long.class,
                chatCustomer, "%" + code + "%")).isZero();

        String wrong = code.equals("000000") ? "111111" : "000000";
        Response refused = call("POST", "/api/customer-links/phone/verify", Map.of("phone", "13800138000", "code", wrong), customerToken);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().get("code").asString()).isEqualTo("code-invalid");
        Response verified = call("POST", "/api/customer-links/phone/verify", Map.of("phone", "13800138000", "code", code), customerToken);
        assertThat(verified.status()).as(verified.body().toString()).isEqualTo(200);
        assertThat(verified.body().get("linked").valueStream().map(l -> l.get("customerId").asString())).containsExactly(client.toString());
        assertThat(verified.body().get("linked").get(0).get("serviceProviderId").asString()).isEqualTo(providerA.toString());
        assertThat(outbox("ticket.client.linked.v1", client)).isEqualTo(1);
        // a used code does not work twice, and linking again links nothing new
        assertThat(call("POST", "/api/customer-links/phone/verify", Map.of("phone", "13800138000", "code", code), customerToken).status())
                .isEqualTo(400);

        // the linked customer sees their company's tickets; another chat customer does not
        JsonNode mine = call("GET", "/api/tickets", null, customerToken).body();
        assertThat(mine.get("tickets").valueStream().map(t -> t.get("id").asString())).contains(providersTicket.toString());
        assertThat(call("GET", "/api/tickets/" + providersTicket, null, customerToken).status()).isEqualTo(200);
        assertThat(call("GET", "/api/tickets/" + providersTicket, null, customer(UUID.randomUUID(), tenant)).status()).isEqualTo(404);
        assertThat(call("GET", "/api/customer-links", null, customerToken).body().get("linked").size()).isEqualTo(1);
        // a ticket the linked customer opens goes to their provider
        Response own = call("POST", "/api/tickets", Map.of("title", "导出报错", "content", "点击导出无反应", "type", "system_issue"), customerToken);
        assertThat(own.status()).as(own.body().toString()).isEqualTo(201);
        assertThat(own.body().get("serviceProviderId").asString()).isEqualTo(providerA.toString());
        assertThat(own.body().get("customerId").asString()).isEqualTo(client.toString());
    }

    @Test
    void noLiveCodeCanBeReadFromTheDatabaseWhileItsSmsIsRetriedNorAfterItWasSent() throws Exception {
        customerOf(providerA, "杭州云帆科技");
        // push is down at first: the call stays in kefu_remote_call, pending, while the code is live
        PUSH.stubFor(post(urlEqualTo("/internal/push/send")).willReturn(aResponse().withStatus(503)));
        assertThat(call("POST", "/api/customer-links/phone/code", Map.of("phone", "13800138000"), customerToken).status()).isEqualTo(202);
        String code = sentCode("13800138000");
        UUID codeId = jdbc.queryForObject("select id from phone_code where chat_customer_id = ?", UUID.class, chatCustomer);
        await("the call back to pending after push's 503", WAIT, () -> Boolean.TRUE.equals(jdbc.queryForObject("""
                select status = 'pending' and attempts >= 1 from kefu_remote_call where kind = 'ticket.link-code-sms' and call_key = ?""",
                Boolean.class, codeId.toString())));
        assertNoCodeInTheDatabase(codeId, code);

        // push is back: the retry carries the same code, which proves the phone
        PUSH.resetAll();
        pushAnswersAccepted();
        await("the call done", WAIT, () -> "done".equals(jdbc.queryForObject(
                "select status from kefu_remote_call where kind = 'ticket.link-code-sms' and call_key = ?", String.class, codeId.toString())));
        assertThat(sentCode("13800138000")).isEqualTo(code);
        assertNoCodeInTheDatabase(codeId, code);
        Response verified = call("POST", "/api/customer-links/phone/verify", Map.of("phone", "13800138000", "code", code), customerToken);
        assertThat(verified.status()).as(verified.body().toString()).isEqualTo(200);
    }

    /**
     * What a database reader sees: the call row (every column) holds no code, not even as a field of its
     * payload, and the stored hash is keyed — not the SHA-256 of id and code that a million guesses would undo.
     */
    private void assertNoCodeInTheDatabase(UUID codeId, String code) throws Exception {
        List<String> rows = jdbc.queryForList("select r::text from kefu_remote_call r where kind = 'ticket.link-code-sms' and call_key = ?",
                String.class, codeId.toString());
        assertThat(rows).hasSize(1);
        assertThat(rows.getFirst()).doesNotContain(code);
        JsonNode payload = JSON.readTree(jdbc.queryForObject("select payload::text from kefu_remote_call where call_key = ?", String.class,
                codeId.toString()));
        assertThat(payload.propertyNames()).doesNotContain("code").contains("sealedCode");
        assertThat(payload.get("sealedCode").asString()).isNotBlank();
        String stored = jdbc.queryForObject("select code_hash from phone_code where id = ?", String.class, codeId);
        assertThat(stored).doesNotContain(code);
        String unkeyed = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest((codeId + ":" + code).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(stored).isNotEqualTo(unkeyed);
    }

    @Test
    void aNumberNoCustomerHasGetsTheSameAnswerAndNoSms() {
        customerOf(providerA, "有号码的客户");
        Response known = call("POST", "/api/customer-links/phone/code", Map.of("phone", "13800138000"), customer(UUID.randomUUID(), tenant));
        Response unknown = call("POST", "/api/customer-links/phone/code", Map.of("phone", "13912345678"), customerToken);
        assertThat(unknown.status()).isEqualTo(known.status()).isEqualTo(202);
        assertThat(unknown.body()).isEqualTo(known.body());
        sentCode("13800138000"); // the known number's SMS went out, so the worker has run
        await("the worker has settled its calls", WAIT, () -> jdbc.queryForObject(
                "select count(*) from kefu_remote_call where kind = 'ticket.link-code-sms' and status in ('pending', 'calling')", Long.class) == 0);
        assertThat(PUSH.findAll(postRequestedFor(urlEqualTo("/internal/push/send")).withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.containing("13912345678")))).isEmpty();
        for (String guess : List.of("000000", "123456")) {
            Response r = call("POST", "/api/customer-links/phone/verify", Map.of("phone", "13912345678", "code", guess), customerToken);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body().get("code").asString()).isEqualTo("code-invalid");
        }
        assertThat(jdbc.queryForObject("select count(*) from client_link where chat_customer_id = ?", Long.class, chatCustomer)).isZero();
    }

    @Test
    void aCodeDiesAfterItsAttemptsAndExpiresAndCodesAreLimited() {
        customerOf(providerA, "限流客户");
        assertThat(call("POST", "/api/customer-links/phone/code", Map.of("phone", "13800138000"), customerToken).status()).isEqualTo(202);
        String code = sentCode("13800138000");
        Response again = call("POST", "/api/customer-links/phone/code", Map.of("phone", "13800138000"), customerToken);
        assertThat(again.status()).isEqualTo(429);
        assertThat(again.body().get("retryAfter").asLong()).isPositive();
        String wrong = code.equals("000000") ? "111111" : "000000";
        for (int i = 0; i < 5; i++) {
            assertThat(call("POST", "/api/customer-links/phone/verify", Map.of("phone", "13800138000", "code", wrong), customerToken).status())
                    .isEqualTo(400);
        }
        // the right code after five wrong guesses: dead
        assertThat(call("POST", "/api/customer-links/phone/verify", Map.of("phone", "13800138000", "code", code), customerToken).status())
                .isEqualTo(400);

        clock.advance(Duration.ofMinutes(2));
        PUSH.resetRequests();
        assertThat(call("POST", "/api/customer-links/phone/code", Map.of("phone", "13800138000"), customerToken).status()).isEqualTo(202);
        String second = sentCode("13800138000");
        clock.advance(Duration.ofMinutes(6)); // past code-ttl (5 min)
        assertThat(call("POST", "/api/customer-links/phone/verify", Map.of("phone", "13800138000", "code", second), customerToken).status())
                .isEqualTo(400);
        assertThat(jdbc.queryForObject("select count(*) from client_link where chat_customer_id = ?", Long.class, chatCustomer)).isZero();

        // one number is sent at most five codes an hour, whoever asks
        for (int i = 0; i < 3; i++) {
            assertThat(call("POST", "/api/customer-links/phone/code", Map.of("phone", "13800138000"), customer(UUID.randomUUID(), tenant))
                    .status()).isEqualTo(202);
        }
        assertThat(call("POST", "/api/customer-links/phone/code", Map.of("phone", "13800138000"), customer(UUID.randomUUID(), tenant))
                .status()).isEqualTo(429);
    }

    @Test
    void badInputIsRefusedAndOnlyChatCustomersLink() {
        for (Object phone : List.of("abc", "12345", "1380013800012345", "")) {
            Response r = call("POST", "/api/customer-links/phone/code", Map.of("phone", phone), customerToken);
            assertThat(r.status()).as(String.valueOf(phone)).isEqualTo(400);
            assertThat(r.body().get("code").asString()).isEqualTo("validation-failed");
        }
        assertThat(call("POST", "/api/customer-links/phone/code", "{\"phone\": 13800138000", customerToken).status()).isEqualTo(400);
        assertThat(call("POST", "/api/customer-links/phone/verify", Map.of("phone", "13800138000", "code", "12ab56"), customerToken).status())
                .isEqualTo(400);
        assertThat(call("POST", "/api/customer-links/phone/verify", Map.of("phone", "13800138000", "code", "x".repeat(100_000)), customerToken)
                .status()).isEqualTo(400);
        assertThat(call("POST", "/api/customer-links/phone/code", Map.of("phone", "13800138000"), tokenA).status()).isEqualTo(403);
        assertThat(call("GET", "/api/customer-links", null, agent).status()).isEqualTo(403);
        assertThat(jdbc.queryForObject("select count(*) from phone_code where chat_customer_id = ?", Long.class, chatCustomer)).isZero();
        // a tenant whose push has no template for codes: refused whatever the number, nothing stored
        UUID otherTenant = UUID.randomUUID();
        Response unset = call("POST", "/api/customer-links/phone/code", Map.of("phone", "13800138000"), customer(UUID.randomUUID(), otherTenant));
        assertThat(unset.status()).isEqualTo(503);
        assertThat(unset.body().get("code").asString()).isEqualTo("sms-unavailable");
    }

    @Test
    void aWeComEmployeeAddingTheContactLinksThemByTheStateOrTheirOneRecentProject() {
        UUID employee = UUID.randomUUID();
        String wecomUser = "li-" + employee.toString().substring(0, 6);
        TestEvents.publish(rabbit, "auth.staff.created.v1", tenant, employee.toString(), 4, Map.of("staffId", employee.toString(),
                "tenantId", tenant.toString(), "name", "李销售", "roles", List.of("agent"), "department", "sales", "maxConcurrentChats", 5,
                "active", true, "wecomUserId", wecomUser, "occurredAt", Instant.now().toString()));
        await("staff known", WAIT, () -> jdbc.queryForObject("select count(*) from staff where id = ?", Long.class, employee) == 1);
        UUID client = customerOf(providerB, "宁波海曙客户");
        jdbc.update("update client set phone = '13600136000' where id = ?", client);

        // by the contact way's state
        contactAdded(wecomUser, chatCustomer, "tel:13600136000");
        await("linked by state", WAIT, () -> jdbc.queryForObject("select count(*) from client_link where client_id = ? and chat_customer_id = ? "
                + "and via = 'wecom'", Long.class, client, chatCustomer) == 1);

        // by the one project the employee recorded and that has no chat customer yet
        String employeeToken = staffToken(employee);
        Response project = call("POST", "/api/projects", Map.of("customerName", "宁波海曙客户", "phone", "13600136000", "need", "升级"),
                employeeToken);
        assertThat(project.status()).isEqualTo(201);
        UUID other = UUID.randomUUID();
        contactAdded(wecomUser, other, null);
        await("linked by the recent project", WAIT, () -> jdbc.queryForObject(
                "select count(*) from client_link where client_id = ? and chat_customer_id = ?", Long.class, client, other) == 1);
        assertThat(call("GET", "/api/projects", null, customer(other, tenant)).body().get("total").asLong()).isEqualTo(1);

        // someone who is no employee of the tenant links nobody
        UUID stranger = UUID.randomUUID();
        String strangers = contactAdded("nobody-here", stranger, "tel:13600136000");
        await("the stranger's event consumed", WAIT, () -> jdbc.queryForObject("select count(*) from kefu_inbox where event_id = ?", Long.class,
                strangers) == 1);
        assertThat(jdbc.queryForObject("select count(*) from client_link where chat_customer_id = ?", Long.class, stranger)).isZero();
    }

    @Test
    void aLinkedCustomerMovedToAnotherProviderIsAnnouncedAgainAndProvidersEscalateOnlyTheirOwnConversations() {
        UUID client = customerOf(providerA, "迁移客户");
        jdbc.update("insert into client_link (client_id, chat_customer_id, tenant_id, via, linked_at) values (?, ?, ?, 'phone', now())", client,
                chatCustomer, tenant);
        Map<String, Object> edit = customerBody(providerB, "迁移客户");
        assertThat(call("PUT", "/api/customers/" + client, edit, admin).status()).isEqualTo(200);
        assertThat(jdbc.queryForObject("select count(*) from kefu_outbox where event_type = 'ticket.client.linked.v1' "
                + "and envelope->'data'->>'via' = 'reassigned' and envelope->'data'->>'serviceProviderId' = ?", Long.class,
                providerB.toString())).isEqualTo(1);

        Map<String, Object> body = new HashMap<>(Map.of("tenantId", tenant.toString(), "conversationId", UUID.randomUUID().toString(),
                "chatCustomerId", chatCustomer.toString(), "customerId", client.toString(), "title", "咨询升级：打不开", "type", "issue_escalation",
                "requestedBy", providerA.toString(), "requestedByType", "provider", "escalationReason", "需要技术支持"));
        body.put("transcript", List.of(Map.of("senderType", "customer", "content", "打不开", "at", java.time.OffsetDateTime.now().toString())));
        assertThat(internal(body).status()).isEqualTo(404); // no longer provider A's customer
        body.put("requestedBy", providerB.toString());
        Response made = internal(body);
        assertThat(made.status()).as(made.body().toString()).isEqualTo(201);
        JsonNode ticket = call("GET", "/api/tickets/" + made.body().get("ticketId").asString(), null, tokenB).body();
        assertThat(ticket.get("escalationStatus").asString()).isEqualTo("escalated");
        assertThat(ticket.get("escalationReason").asString()).isEqualTo("需要技术支持");
        assertThat(ticket.get("processingHistory").valueStream().map(h -> h.get("operatorId").asString())).contains(providerB.toString());
        body.put("requestedByType", "robot");
        body.put("conversationId", UUID.randomUUID().toString());
        assertThat(internal(body).status()).isEqualTo(400);
    }

    private String staffToken(UUID id) {
        return io.kefu.testsupport.TestTokens.token(id.toString(), tenant.toString(), "staff", List.of("agent"));
    }

    private String contactAdded(String followUser, UUID customer, String state) {
        Map<String, Object> data = new HashMap<>();
        data.put("corpId", "ww0123456789abcdef");
        data.put("agentId", 1000002);
        data.put("externalUserId", "wm" + UUID.randomUUID().toString().replace("-", ""));
        data.put("followUserId", followUser);
        data.put("customerId", customer.toString());
        data.put("state", state);
        data.put("changeType", "add_external_contact");
        data.put("addedAt", Instant.now().toString());
        return TestEvents.publish(rabbit, "chat.wecom.contact-added.v1", tenant, "ww0123456789abcdef:" + data.get("externalUserId"), 5, data);
    }

    /** The code push-service was asked to send to {@code phone}. */
    private String sentCode(String phone) {
        String[] code = {null};
        await("an SMS to " + phone, WAIT, () -> {
            for (LoggedRequest r : PUSH.findAll(postRequestedFor(urlEqualTo("/internal/push/send")).withHeader("Idempotency-Key",
                    com.github.tomakehurst.wiremock.client.WireMock.matching(".+")))) {
                JsonNode body = JSON.readTree(r.getBodyAsString());
                if (phone.equals(body.get("recipient").asString())) {
                    code[0] = body.get("variables").get("code").asString();
                }
            }
            return code[0] != null;
        });
        return code[0];
    }

    private Response internal(Object body) {
        try {
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/internal/tickets/from-conversation"))
                    .header("Content-Type", "application/json").header("X-Kefu-Internal-Token", "kefu-local-internal-token")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
            var response = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), JSON.readTree(response.body()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
