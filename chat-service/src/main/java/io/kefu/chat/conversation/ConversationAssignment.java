package io.kefu.chat.conversation;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

import io.kefu.chat.conversation.ConversationEvents.ConversationChanged;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/** routing-service's assignments and transfers, applied to the conversation (routing owns the decision). */
@Service
public class ConversationAssignment {

    private final ConversationRepository conversations;
    private final ApplicationEventPublisher notices;
    private final ConflictRetry retry;
    private final Clock clock;

    ConversationAssignment(ConversationRepository conversations, ApplicationEventPublisher notices, ConflictRetry retry, Clock clock) {
        this.conversations = conversations;
        this.notices = notices;
        this.retry = retry;
        this.clock = clock;
    }

    /**
     * routing-service assigned the conversation to an agent (or moved it back to a queue when
     * {@code agentId} is null): it becomes active with that agent, or waiting again. Repeats of the same
     * decision change nothing; an ended conversation stays ended.
     *
     * @return the conversation after the change, or empty when it has ended meanwhile
     */
    public Optional<ConversationView> assign(UUID conversationId, @Nullable UUID agentId) {
        return retry.run(() -> {
            Conversation conversation = conversations.findById(conversationId).orElse(null);
            if (conversation == null || !conversation.isOpen()) {
                return Optional.<ConversationView>empty();
            }
            if (!conversation.assign(agentId, clock.instant())) {
                return Optional.of(conversation.view());
            }
            conversations.saveAndFlush(conversation);
            ConversationView view = conversation.view();
            notices.publishEvent(new ConversationChanged(view));
            return Optional.of(view);
        });
    }
}
