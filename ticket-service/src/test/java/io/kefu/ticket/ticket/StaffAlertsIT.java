package io.kefu.ticket.ticket;

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
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Escalations and SLA breaches reach the tenant's support staff through push-service (WireMock playing its
 * internal API): one WeCom app message per active staff member with a WeCom userid (of the configured
 * department), sent after the commit, once per escalation or breach however often the job runs; staff are
 * known from auth's events over RabbitMQ.
 */
class StaffAlertsIT extends PushItSupport {

    @Autowired
    TicketJobs jobs;

    UUID template;
    Map<String, UUID> staffByWecom = new HashMap<>();

    @BeforeEach
    void pushAndTheTenantsStaff() {
        template = UUID.randomUUID();
        configure(Map.of("kefu.ticket.staff-alerts.templates." + tenant, template.toString(),
                "kefu.ticket.staff-alerts.departments." + tenant, "售后"));
        staffByWecom.clear();
        staffMember("张客服", "售后", "zhang", true);
        staffMember("李客服", "售后", "li", true);
        staffMember("赵客服", "售后", null, true); // no WeCom userid: cannot be reached there
        staffMember("王销售", "销售", "wang", true); // another department
        staffMember("钱客服", "售后", "qian", false); // left
        await("staff known", WAIT, () -> jdbc.queryForObject("select count(*) from staff where tenant_id = ?", Long.class, tenant) == 5);
    }

    @Test
    void anEscalationAlertsTheDepartmentsStaffOnWeComOnce() {
        UUID customer = customerOf(providerA, "杭州云帆科技");
        UUID id = ticket(tokenA, customer, "端口无法登录");
        assertThat(call("POST", "/api/tickets/" + id + "/escalate", Map.of("reason", "需要研发排查"), tokenA).status()).isEqualTo(200);

        List<LoggedRequest> sent = sentFor(id, 2);
        assertThat(sent).extracting(r -> JSON.readTree(r.getBodyAsString()).get("recipient").asString())
                .containsExactlyInAnyOrder("zhang", "li");
        LoggedRequest one = sent.getFirst();
        assertThat(one.getHeader("X-Kefu-Internal-Token")).isEqualTo("kefu-local-internal-token");
        JsonNode body = JSON.readTree(one.getBodyAsString());
        String recipient = body.get("recipient").asString();
        assertThat(one.getHeader("Idempotency-Key")).isEqualTo("ticket-staff-alert:escalated:" + id + ":" + staffByWecom.get(recipient));
        assertThat(body.get("tenantId").asString()).isEqualTo(tenant.toString());
        assertThat(body.get("template_id").asString()).isEqualTo(template.toString());
        assertThat(body.get("priority").asInt()).isEqualTo(7);
        JsonNode variables = body.get("variables");
        assertThat(variables.propertyNames()).containsExactlyInAnyOrder("event", "title", "customer", "reason", "ticketId");
        assertThat(variables.get("event").asString()).isEqualTo("工单升级");
        assertThat(variables.get("title").asString()).isEqualTo("端口无法登录");
        assertThat(variables.get("customer").asString()).isEqualTo("杭州云帆科技");
        assertThat(variables.get("reason").asString()).isEqualTo("需要研发排查");
        assertThat(variables.get("ticketId").asString()).isEqualTo(id.toString());

        // escalating again is refused and alerts nobody; the calls are settled done
        assertThat(call("POST", "/api/tickets/" + id + "/escalate", Map.of("reason", "再升级"), admin).status()).isEqualTo(409);
        assertThat(alertCalls(id)).isEqualTo(2);
        await("calls settled", WAIT, () -> jdbc.queryForObject("select count(*) from kefu_remote_call where kind = 'ticket.staff-alert' "
                + "and call_key like ? and status = 'done'", Long.class, "%" + id + "%") == 2);
    }

    @Test
    void anSlaBreachEscalatesAndAlertsOnceAndALaterMissedTargetAlertsOnceMoreWhateverTheJobRuns() {
        // no department named: every active staff member with a WeCom userid
        configure(Map.of("kefu.ticket.staff-alerts.templates." + tenant, template.toString()));
        UUID id = ticket(tokenA, customerOf(providerA, "SLA客户"), "SLA");
        jobs.slaCheck();
        assertThat(alertCalls(id)).isZero();
        clock.advance(Duration.ofDays(10)); // past both targets: first response escalates, the resolution target alerts again
        jobs.slaCheck();
        jobs.slaCheck();
        jobs.slaCheck();
        assertThat(alertCalls(id)).isEqualTo(6);
        List<LoggedRequest> sent = sentFor(id, 6);
        assertThat(sent).extracting(r -> JSON.readTree(r.getBodyAsString()).get("recipient").asString())
                .containsExactlyInAnyOrder("zhang", "li", "wang", "zhang", "li", "wang");
        assertThat(sent).extracting(r -> JSON.readTree(r.getBodyAsString()).get("variables").get("event").asString())
                .containsOnly("工单自动升级", "工单 SLA 超时");
        assertThat(sent).extracting(r -> r.getHeader("Idempotency-Key")).doesNotHaveDuplicates()
                .allMatch(k -> k.startsWith("ticket-staff-alert:escalated:" + id) || k.startsWith("ticket-staff-alert:sla-resolution:" + id));
        jobs.slaCheck();
        assertThat(alertCalls(id)).isEqualTo(6);
    }

    @Test
    void aTenantWithoutATemplateIsNotAlerted() {
        configure(Map.of());
        UUID id = ticket(tokenA, customerOf(providerA, "无模板"), "无模板");
        assertThat(call("POST", "/api/tickets/" + id + "/escalate", Map.of("reason", "需要研发排查"), tokenA).status()).isEqualTo(200);
        assertThat(call("GET", "/api/tickets?escalationStatus=escalated", null, agent).body().get("total").asLong()).isEqualTo(1);
        assertThat(alertCalls(id)).isZero();
    }

    private void staffMember(String name, String department, String wecomUserId, boolean active) {
        UUID id = UUID.randomUUID();
        Map<String, Object> data = new HashMap<>(Map.of("staffId", id.toString(), "tenantId", tenant.toString(), "name", name,
                "roles", List.of("agent"), "department", department, "maxConcurrentChats", 5, "active", active,
                "occurredAt", Instant.now().toString()));
        if (wecomUserId != null) {
            data.put("wecomUserId", wecomUserId);
            staffByWecom.put(wecomUserId, id);
        }
        TestEvents.publish(rabbit, "auth.staff.created.v1", tenant, id.toString(), 4, data);
    }

    private long alertCalls(UUID ticket) {
        return jdbc.queryForObject("select count(*) from kefu_remote_call where kind = 'ticket.staff-alert' and call_key like ?", Long.class,
                "%" + ticket + "%");
    }

    private List<LoggedRequest> sentFor(UUID ticket, int expected) {
        await(expected + " alerts sent", WAIT, () -> requestsFor(ticket).size() >= expected);
        return requestsFor(ticket);
    }

    private List<LoggedRequest> requestsFor(UUID ticket) {
        return PUSH.findAll(postRequestedFor(urlEqualTo("/internal/push/send"))).stream()
                .filter(r -> r.getBodyAsString().contains(ticket.toString())).toList();
    }
}
