package io.kefu.ticket;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.kefu.testsupport.TestEvents;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** auth's provider registrations arrive over RabbitMQ and make the provider known (name shown on their customers). */
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
}
