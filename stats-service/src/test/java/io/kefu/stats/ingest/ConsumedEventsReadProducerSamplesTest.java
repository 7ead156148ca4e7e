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
    static final Path KB = Path.of("../kb-ai-service/contracts/events");
    static final Path TICKET = Path.of("../ticket-service/contracts/events");
    static final Path PUSH = Path.of("../push-service/contracts/events");

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

    @Test
    void authTenantConfiguredGivesTheBusinessHoursAndVersion() {
        var configured = EventContracts.readSampleData(AUTH, "auth.tenant.configured.v1", AuthIngest.TenantConfigured.class);
        assertThat(configured.businessHours()).isEqualTo("09:00-18:00");
        assertThat(configured.version()).isEqualTo(3L);
    }

    @Test
    void kbAiEventsAreReadable() {
        var sent = EventContracts.readSampleData(KB, "kb.answer.sent.v1", KbAiIngest.AnswerSent.class);
        assertThat(sent.answerId()).isNotNull();
        assertThat(sent.conversationId()).isNotNull();
        assertThat(sent.origin()).isEqualTo("auto");
        assertThat(sent.sentAt()).isNotNull();
        var drafted = EventContracts.readSampleData(KB, "kb.answer.drafted.v1", KbAiIngest.AnswerDrafted.class);
        assertThat(drafted.kbHit()).isTrue();
        assertThat(drafted.draftedAt()).isNotNull();
        var reviewed = EventContracts.readSampleData(KB, "kb.answer.reviewed.v1", KbAiIngest.AnswerReviewed.class);
        assertThat(reviewed.verdict()).isIn(KbAiIngest.JUDGEMENTS);
        assertThat(reviewed.reviewedAt()).isNotNull();
        var handedOff = EventContracts.readSampleData(KB, "kb.conversation.handed-off.v1", KbAiIngest.HandedOff.class);
        assertThat(handedOff.atQuestion()).isTrue();
        assertThat(handedOff.kbHit()).isFalse();
        assertThat(handedOff.handedOffAt()).isNotNull();
    }

    @Test
    void ticketEventsAreReadable() {
        var created = EventContracts.readSampleData(TICKET, "ticket.ticket.created.v1", TicketIngest.Created.class);
        assertThat(created.ticketId()).isNotNull();
        assertThat(created.conversationId()).isNotNull();
        assertThat(created.createdAt()).isNotNull();
        var resolved = EventContracts.readSampleData(TICKET, "ticket.ticket.resolved.v1", TicketIngest.Resolved.class);
        assertThat(resolved.resolvedAt()).isNotNull();
        assertThat(resolved.createdAt()).isNotNull();
        assertThat(EventContracts.readSampleData(TICKET, "ticket.ticket.escalated.v1", TicketIngest.Escalated.class).escalatedAt()).isNotNull();
        var breached = EventContracts.readSampleData(TICKET, "ticket.ticket.sla-breached.v1", TicketIngest.SlaBreached.class);
        assertThat(breached.ticketId()).isNotNull();
        assertThat(breached.detectedAt()).isNotNull();
    }

    @Test
    void pushEventsAreReadable() {
        var sent = EventContracts.readSampleData(PUSH, "push.message.sent.v1", PushIngest.Sent.class);
        assertThat(sent.messageId()).isNotNull();
        assertThat(sent.channel()).isEqualTo("sms");
        assertThat(sent.sendMillis()).isEqualTo(84);
        assertThat(sent.sentAt()).isNotNull();
        var failed = EventContracts.readSampleData(PUSH, "push.message.failed.v1", PushIngest.Failed.class);
        assertThat(failed.outcome()).isIn(PushIngest.FAILURES);
        assertThat(failed.failedAt()).isNotNull();
    }

    /** Every type a projection handles has a committed sample at its producer. */
    @Test
    void everyConsumedTypeHasAProducerSample() {
        List<Projection> projections = List.of(new ChatIngest().chatProjection(null), new RoutingIngest().routingProjection(null, null),
                new AuthIngest().authProjection(null, null), new KbAiIngest().kbProjection(null), new TicketIngest().ticketProjection(null),
                new PushIngest().pushProjection(null));
        for (Projection p : projections) {
            for (String type : p.routes().keySet()) {
                // kb-ai-service publishes the kb.* events
                String module = p.producer().equals("kb") ? "kb-ai-service" : p.producer() + "-service";
                Path sample = Path.of("../" + module + "/contracts/events", type + ".json");
                assertThat(Files.exists(sample)).as("sample of %s", type).isTrue();
            }
        }
    }
}
