package io.kefu.ticket.provider;

import java.nio.file.Path;
import java.util.UUID;

import io.kefu.testsupport.EventContracts;
import io.kefu.ticket.provider.ProviderConsumer.ProviderRegistered;
import io.kefu.ticket.provider.ProviderConsumer.ProviderUpdated;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** ticket-service's own records of other services' events read the producers' committed samples. */
class ConsumedEventsReadProducerSamplesTest {

    static final Path AUTH = Path.of("../auth-service/contracts/events");

    @Test
    void authProviderRegisteredIsReadable() {
        ProviderRegistered data = EventContracts.readSampleData(AUTH, "auth.provider.registered.v1", ProviderRegistered.class);
        assertThat(data.providerId()).isEqualTo(UUID.fromString("1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9"));
        assertThat(data.tenantId()).isEqualTo(UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7"));
        assertThat(data.name()).isEqualTo("杭州某某科技");
        assertThat(data.registeredAt()).isNotNull();
    }

    @Test
    void authProviderUpdatedIsReadable() {
        ProviderUpdated data = EventContracts.readSampleData(AUTH, "auth.provider.updated.v1", ProviderUpdated.class);
        assertThat(data.providerId()).isEqualTo(UUID.fromString("1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9"));
        assertThat(data.tenantId()).isEqualTo(UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7"));
        assertThat(data.name()).isEqualTo("杭州某某数字科技");
        assertThat(data.active()).isTrue();
        assertThat(data.version()).isEqualTo(2);
        assertThat(data.updatedAt()).isNotNull();
    }
}
