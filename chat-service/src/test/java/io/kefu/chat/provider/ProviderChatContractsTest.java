package io.kefu.chat.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import io.kefu.chat.events.WecomContactAdded;
import io.kefu.common.event.EventJson;
import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

/**
 * chat's records of ticket-service's events read ticket's committed samples, and chat's new
 * {@code chat.wecom.contact-added.v1} has the shape and priority of its own sample.
 */
class ProviderChatContractsTest {

    static final Path TICKET = Path.of("../ticket-service/contracts/events");
    static final Path CHAT = Path.of("contracts/events");

    @Test
    void ticketsLinkAndNoticeSamplesAreReadable() {
        ProviderEvents.ClientLinked linked = EventContracts.readSampleData(TICKET, "ticket.client.linked.v1", ProviderEvents.ClientLinked.class);
        assertThat(linked.chatCustomerId()).isEqualTo(UUID.fromString("6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d"));
        assertThat(linked.serviceProviderId()).isNotNull();
        assertThat(linked.linkedAt()).isNotNull();
        ProviderEvents.NoticeCreated notice = EventContracts.readSampleData(TICKET, "ticket.notice.created.v1", ProviderEvents.NoticeCreated.class);
        assertThat(notice.providerId()).isEqualTo(UUID.fromString("1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9"));
        assertThat(notice.type()).isEqualTo("ticket_update");
    }

    @Test
    void contactAddedMatchesItsSampleWithItsPriority() throws Exception {
        UUID id = UUID.randomUUID();
        EventContracts.assertMatchesSample(new WecomContactAdded("ww1", 1000002, "wm1", "zhangsan", id, "tel:13800138000", "add_external_contact",
                Instant.now()), "chat.wecom.contact-added.v1", CHAT);
        int sample = EventJson.mapper().readTree(EventContracts.sample(CHAT, "chat.wecom.contact-added.v1").toFile()).path("priority").asInt(-1);
        assertThat(WecomContactAdded.class.getAnnotation(io.kefu.common.event.EventType.class).priority()).isEqualTo(sample);
    }
}
