package io.kefu.routing.events;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventPublisher;
import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Routing's events have the shape of their committed samples, which consumers (chat, stats) test against. */
class RoutingEventContractsTest {

    static final Path CONTRACTS = Path.of("contracts/events");
    final UUID id = UUID.randomUUID();
    final Instant now = Instant.now();

    @Test
    void queueEventsMatchTheirSamples() {
        EventContracts.assertMatchesSample(new ConversationQueued(id, id, "default", 0, 3, 540, "human_first", now),
                "routing.conversation.queued.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new ConversationAssigned(id, id, id, id, "default", 42, now, 2), "routing.conversation.assigned.v1",
                CONTRACTS);
        EventContracts.assertMatchesSample(new ConversationTransferred(id, id, id, id, "engineers", id, "transfer", now),
                "routing.conversation.transferred.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new QueuePositionChanged(id, id, 1, 180, now), "routing.queue.position.v1", CONTRACTS);
    }

    @Test
    void priorityIsDeclaredByTheTypeAndRaisedForAPrioritisedCustomer() {
        assertThat(EventPublisher.priorityOf(new ConversationQueued(id, id, "default", 0, 3, 540, "human_first", now))).isEqualTo(5);
        assertThat(EventPublisher.priorityOf(new ConversationQueued(id, id, "default", 1, 3, 540, "human_first", now))).isEqualTo(7);
        assertThat(EventPublisher.priorityOf(new ConversationAssigned(id, id, id, null, "default", 42, now, 0))).isEqualTo(6);
        assertThat(EventPublisher.priorityOf(new ConversationAssigned(id, id, id, null, "default", 42, now, 1))).isEqualTo(7);
        assertThat(EventPublisher.priorityOf(new QueuePositionChanged(id, id, 1, 180, now))).isEqualTo(3);
        assertThat(EventPublisher.priorityOf(new CloseRequested(id, id, "timeout", null, null, now))).isEqualTo(4);
    }

    @Test
    void agentAiAndTimeoutEventsMatchTheirSamples() {
        EventContracts.assertMatchesSample(new AgentStatusChanged(id, "a", "default", "online", "offline", 0, 5, "agent", now),
                "routing.agent.status.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new AiAnswerRequested(id, id, id, "hi", now), "routing.ai.requested.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new StaffCommandAnswered("ww1", 1000002, "zhangsan", id, "转接工程师", "done", "transferred", "ok",
                id, "wecom:1", now), "routing.staff-command.answered.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new InactivityWarning(id, id, 300, now), "routing.conversation.inactivity-warning.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new CloseRequested(id, id, "timeout", "no reply", null, now), "routing.conversation.close-requested.v1",
                CONTRACTS);
    }
}
