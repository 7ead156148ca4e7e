package io.kefu.ticket.ticket;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.ticket.TicketItSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Seed 004 §3.3 / §4.2: tickets with their history, escalation, satisfaction, the message center and home; the jobs. */
class TicketsIT extends TicketItSupport {

    @Autowired
    TicketJobs jobs;

    @Test
    void aProviderOpensRepliesEscalatesAndStaffResolveWithEveryStepInTheHistoryAndTheMessageCenter() {
        UUID customer = customerOf(providerA, "甲的客户");
        Response created = call("POST", "/api/tickets", Map.of("customerId", customer.toString(), "title", "端口无法登录", "content", "客户反馈",
                "type", "system_issue"), tokenA);
        assertThat(created.status()).isEqualTo(201);
        JsonNode t = created.body();
        for (String field : List.of("id", "customerId", "customerName", "title", "content", "type", "status", "serviceProviderId",
                "assigneeId", "assigneeName", "escalationStatus", "createdAt", "updatedAt", "resolvedAt", "processingHistory")) {
            assertThat(t.has(field)).as(field).isTrue();
        }
        assertThat(t.get("ticketId").asString()).isEqualTo(t.get("id").asString());
        assertThat(t.get("status").asString()).isEqualTo("open");
        assertThat(t.get("customerName").asString()).isEqualTo("甲的客户");
        assertThat(t.get("assigneeName").asString()).isEqualTo("杭州甲科技");
        UUID id = UUID.fromString(t.get("id").asString());
        assertThat(outbox("ticket.ticket.created.v1", id)).isEqualTo(1);

        assertThat(call("POST", "/api/tickets/" + id + "/reply", Map.of("content", "正在排查"), tokenA).status()).isEqualTo(200);
        assertThat(call("GET", "/api/tickets/" + id, null, tokenA).body().get("status").asString()).isEqualTo("processing");
        assertThat(call("GET", "/api/customers/" + customer, null, tokenA).body().get("unresolvedIssues").asLong()).isEqualTo(1);

        Response escalated = call("POST", "/api/tickets/" + id + "/escalate", Map.of("reason", "需要原厂支持"), tokenA);
        assertThat(escalated.status()).isEqualTo(200);
        assertThat(escalated.body().get("ticket").get("escalationStatus").asString()).isEqualTo("escalated");
        assertThat(escalated.body().get("ticket").get("assigneeName").asString()).isEqualTo("客服中心");
        assertThat(outbox("ticket.ticket.escalated.v1", id)).isEqualTo(1);
        Response again = call("POST", "/api/tickets/" + id + "/escalate", Map.of("reason", "再升级"), tokenA);
        assertThat(again.status()).isEqualTo(409);

        // staff see it among escalated tickets and resolve it
        Response staffList = call("GET", "/api/tickets?escalationStatus=escalated", null, agent);
        assertThat(staffList.body().get("tickets").valueStream().map(n -> n.get("id").asString())).contains(id.toString());
        assertThat(call("POST", "/api/tickets/" + id + "/reply", Map.of("content", "原厂已修复"), agent).status()).isEqualTo(200);
        assertThat(call("POST", "/api/tickets/" + id + "/resolve", Map.of(), agent).status()).isEqualTo(200);
        assertThat(call("POST", "/api/tickets/" + id + "/resolve", Map.of(), agent).status()).isEqualTo(409);
        assertThat(call("POST", "/api/tickets/" + id + "/reply", Map.of("content", "x"), tokenA).status()).isEqualTo(409);

        JsonNode detail = call("GET", "/api/tickets/" + id, null, tokenA).body();
        assertThat(detail.get("status").asString()).isEqualTo("resolved");
        assertThat(detail.get("resolvedAt").isNull()).isFalse();
        assertThat(detail.get("processingHistory").valueStream().map(h -> h.get("action").asString()))
                .containsExactly("created", "replied", "escalated", "replied", "resolved");
        JsonNode step = detail.get("processingHistory").get(2);
        for (String field : List.of("id", "operatorId", "operatorName", "action", "content", "timestamp")) {
            assertThat(step.has(field)).as(field).isTrue();
        }
        assertThat(step.get("operatorName").asString()).isEqualTo("杭州甲科技");

        // the provider's message center shows escalation, staff reply and resolution; read one, then all
        Response messages = call("GET", "/api/messages?type=ticket_update&readStatus=unread", null, tokenA);
        assertThat(messages.status()).isEqualTo(200);
        assertThat(messages.body().get("total").asLong()).isEqualTo(3);
        JsonNode m = messages.body().get("messages").get(0);
        for (String field : List.of("id", "serviceProviderId", "type", "title", "content", "relatedCustomerId", "relatedCustomerName",
                "relatedTicketId", "readStatus", "createdAt")) {
            assertThat(m.has(field)).as(field).isTrue();
        }
        assertThat(m.get("relatedCustomerName").asString()).isEqualTo("甲的客户");
        String messageId = m.get("id").asString();
        assertThat(call("GET", "/api/home", null, tokenA).body().get("unreadMessages").asLong()).isEqualTo(3);
        assertThat(call("POST", "/api/messages/" + messageId + "/read", null, tokenA).status()).isEqualTo(200);
        assertThat(call("GET", "/api/messages/" + messageId, null, tokenA).body().get("readStatus").asString()).isEqualTo("read");
        assertThat(call("GET", "/api/messages?readStatus=unread", null, tokenA).body().get("total").asLong()).isEqualTo(2);
        assertThat(call("POST", "/api/messages/read-all", null, tokenA).status()).isEqualTo(200);
        assertThat(call("GET", "/api/messages?readStatus=unread", null, tokenA).body().get("total").asLong()).isZero();

        JsonNode home = call("GET", "/api/home", null, tokenA).body();
        assertThat(home.get("pendingTickets").asLong()).isZero();
        assertThat(home.get("customers").asLong()).isEqualTo(1);
        assertThat(home.get("activeCustomers").asLong()).isEqualTo(1);
        assertThat(home.get("handlingRate").asDouble()).isEqualTo(1.0);
        assertThat(home.get("unreadMessages").asLong()).isZero();

        // the customer's tickets
        Response ofCustomer = call("GET", "/api/customers/" + customer + "/tickets?status=resolved", null, tokenA);
        assertThat(ofCustomer.body().get("total").asLong()).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from ticket_history where ticket_id = ?", Long.class, id)).isEqualTo(5);
    }

    @Test
    void theHistoryIsAppendOnly() {
        UUID id = ticket(tokenA, customerOf(providerA, "审计"), "审计");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbc.update("update ticket_history set content = 'x' where ticket_id = ?", id))
                .hasMessageContaining("append-only");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbc.update("delete from ticket_history where ticket_id = ?", id))
                .hasMessageContaining("append-only");
    }

    @Test
    void aChatCustomerOpensTheirOwnTicketAndRatesItOnceResolved() {
        UUID me = UUID.randomUUID();
        String token = customer(me, tenant);
        Response created = call("POST", "/api/tickets", Map.of("title", "发票问题", "content", "开票抬头错误", "type", "complaint"), token);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        UUID id = UUID.fromString(created.body().get("id").asString());
        assertThat(created.body().get("priority").asString()).isEqualTo("high");
        assertThat(call("GET", "/api/tickets", null, token).body().get("total").asLong()).isEqualTo(1);
        assertThat(call("GET", "/api/tickets", null, customer(UUID.randomUUID(), tenant)).body().get("total").asLong()).isZero();
        assertThat(call("POST", "/api/tickets/" + id + "/rate", Map.of("score", 5), token).status()).isEqualTo(409);
        assertThat(call("POST", "/api/tickets/" + id + "/resolve", Map.of(), token).status()).isEqualTo(403);
        assertThat(call("POST", "/api/tickets/" + id + "/resolve", Map.of(), agent).status()).isEqualTo(200);
        assertThat(call("POST", "/api/tickets/" + id + "/rate", Map.of("score", 6), token).status()).isEqualTo(400);
        assertThat(call("POST", "/api/tickets/" + id + "/rate", Map.of("score", 4, "comment", "还行"), agent).status()).isEqualTo(403);
        Response rated = call("POST", "/api/tickets/" + id + "/rate", Map.of("score", 4, "comment", "还行"), token);
        assertThat(rated.status()).isEqualTo(200);
        assertThat(rated.body().get("ticket").get("rating").get("score").asInt()).isEqualTo(4);
        Response twice = call("POST", "/api/tickets/" + id + "/rate", Map.of("score", 1), token);
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.body().get("code").asString()).isEqualTo("already-rated");
        assertThat(outbox("ticket.ticket.rated.v1", id)).isEqualTo(1);
    }

    @Test
    void badTicketInputIsAClear400AndNothingIsStored() {
        UUID customer = customerOf(providerA, "坏输入");
        long before = jdbc.queryForObject("select count(*) from ticket where tenant_id = ?", Long.class, tenant);
        List<Map<String, Object>> bodies = List.of(
                Map.of("customerId", customer.toString(), "title", "t", "content", "c", "type", "nonsense"),
                Map.of("customerId", customer.toString(), "title", "t", "content", "c"),
                Map.of("customerId", customer.toString(), "title", "x".repeat(100_000), "content", "c", "type", "complaint"),
                Map.of("customerId", customer.toString(), "title", "t\u0000", "content", "c", "type", "complaint"),
                Map.of("customerId", customer.toString(), "title", "t", "content", "c", "type", "complaint", "priority", "asap"),
                Map.of("customerId", "abc", "title", "t", "content", "c", "type", "complaint"),
                Map.of("title", "t", "content", "c", "type", "complaint"));
        for (Map<String, Object> body : bodies) {
            Response r = call("POST", "/api/tickets", body, tokenA);
            assertThat(r.status()).as(body.keySet() + " " + r.body()).isEqualTo(400);
            assertThat(r.body().get("code").asString()).isEqualTo("validation-failed");
        }
        assertThat(call("POST", "/api/tickets", "[1,2", tokenA).status()).isEqualTo(400);
        // another provider's customer: 404, nothing stored
        UUID theirs = customerOf(providerB, "乙的客户");
        assertThat(call("POST", "/api/tickets", Map.of("customerId", theirs.toString(), "title", "t", "content", "c", "type", "complaint"),
                tokenA).status()).isEqualTo(404);
        assertThat(jdbc.queryForObject("select count(*) from ticket where tenant_id = ?", Long.class, tenant)).isEqualTo(before);
        for (String query : List.of("pageSize=0", "pageSize=1000000", "status=done", "type=bug", "escalationStatus=x", "customerId=zz")) {
            assertThat(call("GET", "/api/tickets?" + query, null, tokenA).status()).as(query).isEqualTo(400);
        }
        UUID id = ticket(tokenA, customer, "ok");
        assertThat(call("POST", "/api/tickets/" + id + "/reply", Map.of("content", ""), tokenA).status()).isEqualTo(400);
        assertThat(call("POST", "/api/tickets/" + id + "/escalate", Map.of(), tokenA).status()).isEqualTo(400);
        assertThat(call("POST", "/api/tickets/" + id + "/escalate", Map.of("reason", "r".repeat(100_000)), tokenA).status()).isEqualTo(400);
        assertThat(call("GET", "/api/tickets/" + id, null, tokenA).body().get("processingHistory").size()).isEqualTo(1);
    }

    @Test
    void aBreachedSlaEscalatesOnceAndTellsTheProvider() {
        UUID id = ticket(tokenA, customerOf(providerA, "SLA客户"), "SLA");
        jobs.slaCheck();
        assertThat(call("GET", "/api/tickets/" + id, null, tokenA).body().get("escalationStatus").asString()).isEqualTo("normal");
        clock.advance(Duration.ofDays(10)); // well past both targets in any calendar
        assertThat(jobs.slaCheck()).isGreaterThanOrEqualTo(2);
        JsonNode t = call("GET", "/api/tickets/" + id, null, tokenA).body();
        assertThat(t.get("escalationStatus").asString()).isEqualTo("escalated");
        assertThat(t.get("sla").get("firstResponseBreached").asBoolean()).isTrue();
        assertThat(t.get("sla").get("resolutionBreached").asBoolean()).isTrue();
        assertThat(outbox("ticket.ticket.sla-breached.v1", id)).isEqualTo(2);
        assertThat(outbox("ticket.ticket.escalated.v1", id)).isEqualTo(1);
        jobs.slaCheck();
        assertThat(outbox("ticket.ticket.sla-breached.v1", id)).isEqualTo(2);
        // one message for the automatic escalation (first response), one for the resolution target
        assertThat(call("GET", "/api/messages?type=ticket_update", null, tokenA).body().get("total").asLong()).isEqualTo(2);
    }

    @Test
    void resolvedTicketsCloseAfterTheQuietPeriod() {
        UUID id = ticket(tokenA, customerOf(providerA, "关闭"), "关闭");
        call("POST", "/api/tickets/" + id + "/resolve", Map.of(), tokenA);
        jobs.autoClose();
        assertThat(call("GET", "/api/tickets/" + id, null, tokenA).body().get("status").asString()).isEqualTo("resolved");
        clock.advance(Duration.ofDays(8));
        assertThat(jobs.autoClose()).isGreaterThanOrEqualTo(1);
        JsonNode t = call("GET", "/api/tickets/" + id, null, tokenA).body();
        assertThat(t.get("status").asString()).isEqualTo("closed");
        assertThat(t.get("processingHistory").valueStream().map(h -> h.get("action").asString())).endsWith("closed");
    }

    @Test
    void theExpiryJobMovesStatusesAndRaisesOneRenewalAlertAndTicket() {
        UUID soon = customerOf(providerA, "快到期", LocalDate.now().plusDays(20));
        UUID later = customerOf(providerA, "还早", LocalDate.now().plusYears(1));
        jdbc.update("update client set status = 'active' where id = ?", soon); // as if stored before the window opened
        jobs.clientExpiry();
        assertThat(jdbc.queryForObject("select status from client where id = ?", String.class, soon)).isEqualTo("expiring");
        jobs.clientExpiry();
        Response renewal = call("GET", "/api/customers/" + soon + "/tickets", null, tokenA);
        assertThat(renewal.body().get("total").asLong()).isEqualTo(1);
        assertThat(renewal.body().get("tickets").get(0).get("type").asString()).isEqualTo("renewal_question");
        assertThat(call("GET", "/api/customers/" + later + "/tickets", null, tokenA).body().get("total").asLong()).isZero();
        Response alerts = call("GET", "/api/messages?type=customer_alert", null, tokenA);
        assertThat(alerts.body().get("total").asLong()).isEqualTo(1);
        assertThat(alerts.body().get("messages").get(0).get("relatedCustomerId").asString()).isEqualTo(soon.toString());
        assertThat(outbox("ticket.client.expiring.v1", soon)).isEqualTo(1);
    }

    @Test
    void aConversationBecomesOneTicketWithItsTranscriptAndTheClockFromTheFirstMessage() {
        UUID conversation = UUID.randomUUID();
        UUID chatCustomer = UUID.randomUUID();
        String first = java.time.OffsetDateTime.now().minusHours(3).toString();
        Map<String, Object> body = Map.of("tenantId", tenant.toString(), "conversationId", conversation.toString(), "chatCustomerId",
                chatCustomer.toString(), "customerId", customerOf(providerA, "会话客户").toString(), "title", "会话转工单", "type",
                "system_issue", "firstCustomerMessageAt", first, "transcript",
                List.of(Map.of("senderType", "customer", "content", "打不开了", "at", first), Map.of("senderType", "staff", "content", "请稍等")));
        Response made = internal(body);
        assertThat(made.status()).as(made.body().toString()).isEqualTo(201);
        UUID id = UUID.fromString(made.body().get("ticketId").asString());
        assertThat(internal(body).status()).isEqualTo(200);
        JsonNode t = call("GET", "/api/tickets/" + id, null, tokenA).body();
        assertThat(t.get("transcript").size()).isEqualTo(2);
        assertThat(t.get("sla").get("startedAt").asString()).isNotEqualTo(t.get("createdAt").asString());
        assertThat(t.get("conversationId").asString()).isEqualTo(conversation.toString());
        assertThat(call("GET", "/api/tickets", null, customer(chatCustomer, tenant)).body().get("total").asLong()).isEqualTo(1);
        Map<String, Object> bad = new java.util.HashMap<>(body);
        bad.put("conversationId", UUID.randomUUID().toString());
        bad.put("firstCustomerMessageAt", "yesterday");
        assertThat(internal(bad).status()).isEqualTo(400);
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
