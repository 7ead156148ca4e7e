package io.kefu.ticket;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.kefu.testsupport.TestEvents;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * auth's provider registrations arrive over RabbitMQ and make the provider known (name shown on their customers);
 * its updates rename the provider on customers and on the tickets assigned to them, newest version first.
 */
class ProviderEventsIT extends TicketItSupport {

    @Test
    void aRegisteredProviderBecomesKnownOnceEvenWhenRedelivered() {
        UUID provider = UUID.randomUUID();
        Map<String, Object> data = Map.of("providerId", provider.toString(), "tenantId", tenant.toString(), "name", "温州新服务商", "username",
                "wz-" + provider, "registeredAt", Instant.now().toString());
        TestEvents.publish(rabbit, "auth.provider.registered.v1", tenant, provider.toString(), 4, data);
        TestEvents.publish(rabbit, "auth.provider.registered.v1", tenant, provider.toString(), 4, data);
        await("provider known", WAIT, () -> jdbc.queryForObject("select count(*) from provider where id = ?", Long.class, provider) == 1);
        assertThat(providers.find(tenant, provider).orElseThrow().name()).isEqualTo("温州新服务商");
        UUID customer = customerOf(provider, "新服务商的客户");
        assertThat(call("GET", "/api/customers/" + customer, null, provider(provider, tenant)).body().get("serviceProviderName").asString())
                .isEqualTo("温州新服务商");
    }

    @Test
    void aRenamedProviderIsRenamedOnCustomersAndTheirTicketsAndAnOlderUpdateChangesNothing() {
        UUID customer = customerOf(providerA, "杭州云帆科技");
        UUID ticket = ticket(tokenA, customer, "端口无法登录");
        UUID escalated = ticket(tokenA, customer, "报表导出失败");
        assertThat(call("POST", "/api/tickets/" + escalated + "/escalate", Map.of("reason", "需要研发排查"), tokenA).status()).isEqualTo(200);
        assertThat(call("GET", "/api/tickets/" + ticket, null, tokenA).body().get("assigneeName").asString()).isEqualTo("杭州甲科技");

        TestEvents.publish(rabbit, "auth.provider.updated.v1", tenant, providerA.toString(), 4, updated(providerA, "杭州甲数字科技", 3));
        await("renamed", WAIT, () -> "杭州甲数字科技".equals(providers.find(tenant, providerA).orElseThrow().name()));
        assertThat(call("GET", "/api/customers/" + customer, null, tokenA).body().get("serviceProviderName").asString())
                .isEqualTo("杭州甲数字科技");
        assertThat(call("GET", "/api/tickets/" + ticket, null, admin).body().get("assigneeName").asString()).isEqualTo("杭州甲数字科技");
        // the escalated ticket belongs to the support staff now: its assignee is not the provider's name
        assertThat(call("GET", "/api/tickets/" + escalated, null, admin).body().get("assigneeName").asString()).isEqualTo("客服中心");
        // a ticket opened after the rename carries the new name
        UUID later = ticket(tokenA, customer, "新问题");
        assertThat(call("GET", "/api/tickets/" + later, null, tokenA).body().get("assigneeName").asString()).isEqualTo("杭州甲数字科技");

        // an older update (version 2) arriving late, and a redelivered registration, change nothing
        TestEvents.publish(rabbit, "auth.provider.updated.v1", tenant, providerA.toString(), 4, updated(providerA, "旧名字", 2));
        TestEvents.publish(rabbit, "auth.provider.registered.v1", tenant, providerA.toString(), 4, Map.of("providerId", providerA.toString(),
                "tenantId", tenant.toString(), "name", "杭州甲科技", "username", "a-" + providerA, "registeredAt", Instant.now().toString()));
        // a later update of another provider is the marker that the two events before it were consumed (one queue, in order)
        TestEvents.publish(rabbit, "auth.provider.updated.v1", tenant, providerB.toString(), 4, updated(providerB, "宁波乙软件集团", 1));
        await("marker applied", WAIT, () -> "宁波乙软件集团".equals(providers.find(tenant, providerB).orElseThrow().name()));
        assertThat(providers.find(tenant, providerA).orElseThrow().name()).isEqualTo("杭州甲数字科技");
        assertThat(call("GET", "/api/tickets/" + ticket, null, tokenA).body().get("assigneeName").asString()).isEqualTo("杭州甲数字科技");
    }

    private Map<String, Object> updated(UUID provider, String name, long version) {
        return Map.of("providerId", provider.toString(), "tenantId", tenant.toString(), "name", name, "username", "u-" + provider,
                "active", true, "version", version, "updatedAt", Instant.now().toString());
    }
}
