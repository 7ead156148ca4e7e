package io.kefu.chat.events;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

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
}
