package io.kefu.chat.events;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventJson;
import io.kefu.common.event.EventPublisher;
import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every event chat-service publishes has the shape of its committed sample, which consumers test against. */
class ChatEventSamplesTest {

    static final Path CONTRACTS = Path.of("contracts/events");
    final UUID id = UUID.randomUUID();
    final Instant now = Instant.now();

    @Test
    void messageReceivedMatchesItsSample() {
        EventContracts.assertMatchesSample(new MessageReceived(id, id, id, id, "mp", "openid", "text", "hi", "waiting", true, now),
                "chat.message.received.v1", CONTRACTS);
    }

    @Test
    void messageFailedMatchesItsSample() {
        EventContracts.assertMatchesSample(new MessageFailed(id, id, id, "mp", id, "openid", "text", "hi", "45015", "window closed", now),
                "chat.message.failed.v1", CONTRACTS);
    }

    @Test
    void conversationEventsMatchTheirSamples() {
        EventContracts.assertMatchesSample(new ConversationOpened(id, id, "miniapp", "quick_chat", now), "chat.conversation.opened.v1",
                CONTRACTS);
        EventContracts.assertMatchesSample(new ConversationEnded(id, id, id, "closed", "resolved", id, "staff", now, now),
                "chat.conversation.ended.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new ConversationRated(id, id, id, 5, now), "chat.conversation.rated.v1", CONTRACTS);
    }

    @Test
    void presenceChangedMatchesItsSample() {
        EventContracts.assertMatchesSample(new PresenceChanged(id, "staff", id, false, 0, now), "chat.presence.changed.v1", CONTRACTS);
    }

    /** Priority belongs to the type: the one declared on each record is the one its committed sample shows consumers. */
    @Test
    void everyEventDeclaresThePriorityItsSampleCarries() throws Exception {
        for (Class<?> type : java.util.List.of(ConversationOpened.class, ConversationEnded.class, ConversationRated.class, MessageReceived.class,
                MessageSent.class, MessageFailed.class, PresenceChanged.class, WecomStaffMessage.class)) {
            String name = EventPublisher.typeOf(type);
            int sample = EventJson.mapper().readTree(EventContracts.sample(CONTRACTS, name).toFile()).path("priority").asInt(-1);
            assertThat(type.getAnnotation(io.kefu.common.event.EventType.class).priority()).as(name).isEqualTo(sample);
        }
    }
}
