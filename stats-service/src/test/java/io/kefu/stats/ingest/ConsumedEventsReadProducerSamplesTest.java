package io.kefu.stats.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** stats' own records of every event it consumes read the producers' committed samples, and every consumed type has one. */
class ConsumedEventsReadProducerSamplesTest {

    static final Path CHAT = Path.of("../chat-service/contracts/events");
    static final Path ROUTING = Path.of("../routing-service/contracts/events");
    static final Path AUTH = Path.of("../auth-service/contracts/events");

    @Test
    void chatEventsAreReadable() {
        var opened = EventContracts.readSampleData(CHAT, "chat.conversation.opened.v1", ChatIngest.ConversationOpened.class);
        assertThat(opened.conversationId()).isNotNull();
        assertThat(opened.customerId()).isNotNull();
        assertThat(opened.channel()).isNotBlank();
        assertThat(opened.startedAt()).isNotNull();
        var sent = EventContracts.readSampleData(CHAT, "chat.message.sent.v1", ChatIngest.MessageSent.class);
        assertThat(sent.messageId()).isNotNull();
        assertThat(sent.senderType()).isEqualTo("staff");
        assertThat(sent.senderId()).isNotNull();
        assertThat(sent.createdAt()).isNotNull();
        var ended = EventContracts.readSampleData(CHAT, "chat.conversation.ended.v1", ChatIngest.ConversationEnded.class);
        assertThat(ended.endedAt()).isAfter(ended.startedAt());
        assertThat(ended.agentId()).isNotNull();
        var rated = EventContracts.readSampleData(CHAT, "chat.conversation.rated.v1", ChatIngest.ConversationRated.class);
        assertThat(rated.rating()).isBetween(1, 5);
        assertThat(rated.ratedAt()).isNotNull();
    }

    @Test
    void routingEventsAreReadable() {
        var ai = EventContracts.readSampleData(ROUTING, "routing.ai.requested.v1", RoutingIngest.AiRequested.class);
        assertThat(ai.conversationId()).isNotNull();
        assertThat(ai.requestedAt()).isNotNull();
        var queued = EventContracts.readSampleData(ROUTING, "routing.conversation.queued.v1", RoutingIngest.Queued.class);
        assertThat(queued.enqueuedAt()).isNotNull();
        assertThat(queued.groupName()).isNotBlank();
        var assigned = EventContracts.readSampleData(ROUTING, "routing.conversation.assigned.v1", RoutingIngest.Assigned.class);
        assertThat(assigned.agentId()).isNotNull();
        assertThat(assigned.assignedAt()).isNotNull();
        assertThat(assigned.waitedSeconds()).isEqualTo(42);
        var transferred = EventContracts.readSampleData(ROUTING, "routing.conversation.transferred.v1", RoutingIngest.Transferred.class);
        assertThat(transferred.toAgentId()).isNotNull();
        assertThat(transferred.toGroup()).isNotBlank();
        var status = EventContracts.readSampleData(ROUTING, "routing.agent.status.v1", RoutingIngest.AgentStatus.class);
        assertThat(status.status()).isEqualTo("online");
        assertThat(status.maxConcurrentChats()).isPositive();
        assertThat(status.changedAt()).isNotNull();
    }

    @Test
    void authEventsAreReadable() {
        var created = EventContracts.readSampleData(AUTH, "auth.staff.created.v1", AuthIngest.StaffProfile.class);
        assertThat(created.staffId()).isNotNull();
        assertThat(created.name()).isNotBlank();
        assertThat(EventContracts.readSampleData(AUTH, "auth.staff.updated.v1", AuthIngest.StaffProfile.class).maxConcurrentChats()).isEqualTo(8);
    }

    /** Every type a projection handles has a committed sample at its producer. */
    @Test
    void everyConsumedTypeHasAProducerSample() {
        List<Projection> projections = List.of(new ChatIngest().chatProjection(null), new RoutingIngest().routingProjection(null, null, null),
                new AuthIngest().authProjection(null));
        for (Projection p : projections) {
            for (String type : p.routes().keySet()) {
                Path sample = Path.of("../" + p.producer() + "-service/contracts/events", type + ".json");
                assertThat(Files.exists(sample)).as("sample of %s", type).isTrue();
            }
        }
    }
}
