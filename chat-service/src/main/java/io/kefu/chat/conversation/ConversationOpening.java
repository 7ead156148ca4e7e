package io.kefu.chat.conversation;

import java.time.Instant;
import java.util.UUID;

import io.kefu.chat.conversation.ConversationEvents.ConversationChanged;
import io.kefu.chat.events.ConversationOpened;
import io.kefu.common.event.EventPublisher;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * A customer's message joins their open conversation with the tenant, or opens one. Two entries of
 * one customer (Official Account, mini-program) share it; a concurrent open loses on the unique index
 * {@code conversation_open_per_customer} and its retry joins the winner's.
 */
@Component
class ConversationOpening {

    private final ConversationRepository conversations;
    private final EventPublisher events;
    private final ApplicationEventPublisher notices;

    ConversationOpening(ConversationRepository conversations, EventPublisher events, ApplicationEventPublisher notices) {
        this.conversations = conversations;
        this.events = events;
        this.notices = notices;
    }

    record Opened(Conversation conversation, boolean created) {
    }

    /** In the caller's transaction. */
    Opened openOrJoin(UUID tenantId, UUID customerId, Source source, Channel channel, Instant now) {
        var open = conversations.findOpen(tenantId, customerId);
        if (open.isPresent()) {
            return new Opened(open.get(), false);
        }
        Conversation conversation = new Conversation(UUID.randomUUID(), tenantId, customerId, source, channel, now);
        conversations.saveAndFlush(conversation); // a concurrent open loses on the unique index and retries
        events.publish(new ConversationOpened(conversation.id(), customerId, channel.code(), source.code(), now), tenantId.toString(),
                conversation.id().toString());
        notices.publishEvent(new ConversationChanged(conversation.view()));
        return new Opened(conversation, true);
    }
}
