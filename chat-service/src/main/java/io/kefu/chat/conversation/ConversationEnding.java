package io.kefu.chat.conversation;

import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import io.kefu.chat.conversation.ConversationEvents.ConversationChanged;
import io.kefu.chat.events.ConversationEnded;
import io.kefu.chat.events.ConversationRated;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.event.EventPublisher;
import io.kefu.common.security.KefuPrincipal;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * The end of a conversation — by its customer, by staff, or on routing's request (timeouts, a WeCom
 * staff command) — and the customer's rating afterwards. Each publishes its fact
 * ({@code chat.conversation.ended.v1}, {@code chat.conversation.rated.v1}).
 */
@Service
public class ConversationEnding {

    static final Set<String> STAFF_END_REASONS = Set.of("service_ended", "resolved", "transferred");
    static final Set<String> SYSTEM_END_REASONS = Set.of("timeout", "inactive", "resolved", "service_ended");

    private final ConversationRepository conversations;
    private final ConversationQueries queries;
    private final EventPublisher events;
    private final ApplicationEventPublisher notices;
    private final ConflictRetry retry;
    private final Clock clock;

    ConversationEnding(ConversationRepository conversations, ConversationQueries queries, EventPublisher events,
            ApplicationEventPublisher notices, ConflictRetry retry, Clock clock) {
        this.conversations = conversations;
        this.queries = queries;
        this.events = events;
        this.notices = notices;
        this.retry = retry;
        this.clock = clock;
    }

    public record EndCommand(@Nullable String reason, @Nullable String comment) {
    }

    /** Customers end with {@code user_ended}; staff with {@code service_ended} (default), {@code resolved} or {@code transferred}. */
    public ConversationView end(KefuPrincipal by, UUID conversationId, EndCommand command) {
        return retry.run(() -> {
            Conversation conversation = queries.writable(by, conversationId);
            if (ConversationAccess.isCustomer(by)) {
                return close(conversation, "user_ended", by.userId(), EndType.CUSTOMER, command.comment());
            }
            String reason = command.reason() == null ? "service_ended" : command.reason();
            if (!STAFF_END_REASONS.contains(reason)) {
                throw MessageSending.invalid("reason must be one of " + STAFF_END_REASONS);
            }
            return close(conversation, reason, by.userId(), EndType.STAFF, command.comment());
        });
    }

    /**
     * Ended on routing's request: by its timeouts (status timeout for reason timeout, closed otherwise),
     * or by an agent's WeCom staff command ({@code byStaff}, recorded as a staff end). An ended
     * conversation stays as it is (the job may ask twice).
     */
    public ConversationView endBySystem(UUID conversationId, String reason, @Nullable String comment, @Nullable UUID byStaff) {
        if (!SYSTEM_END_REASONS.contains(reason)) {
            throw MessageSending.invalid("reason must be one of " + SYSTEM_END_REASONS);
        }
        return retry.run(() -> {
            Conversation conversation = conversations.findById(conversationId).orElseThrow(() -> ConversationAccess.notFound(conversationId));
            if (!conversation.isOpen()) {
                return conversation.view();
            }
            return close(conversation, reason, byStaff, byStaff == null ? EndType.SYSTEM : EndType.STAFF, comment);
        });
    }

    private ConversationView close(Conversation conversation, String reason, @Nullable UUID by, EndType type, @Nullable String comment) {
        Instant now = clock.instant();
        conversation.end(reason, by, type, comment, now);
        conversations.saveAndFlush(conversation);
        events.publish(new ConversationEnded(conversation.id(), conversation.customerId(), conversation.agentId(),
                conversation.status().code(), reason, by, type.code(), conversation.startedAt(), now), conversation.tenantId().toString(),
                conversation.id().toString());
        ConversationView view = conversation.view();
        notices.publishEvent(new ConversationChanged(view));
        return view;
    }

    public record RateCommand(int rating, @Nullable String feedback) {
    }

    /** The customer rates an ended conversation 1-5, once. */
    public ConversationView rate(KefuPrincipal customer, UUID conversationId, RateCommand command) {
        if (!ConversationAccess.isCustomer(customer)) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Only the customer rates a conversation");
        }
        if (command.rating() < 1 || command.rating() > 5) {
            throw MessageSending.invalid("rating must be between 1 and 5");
        }
        if (command.feedback() != null && command.feedback().length() > 2000) {
            throw MessageSending.invalid("feedback is at most 2000 characters");
        }
        return retry.run(() -> {
            Conversation conversation = conversations.findById(conversationId).filter(c -> ConversationAccess.canWrite(customer, c))
                    .orElseThrow(() -> ConversationAccess.notFound(conversationId));
            Instant now = clock.instant();
            conversation.rate(command.rating(), command.feedback(), now);
            conversations.saveAndFlush(conversation);
            events.publish(new ConversationRated(conversation.id(), conversation.customerId(), conversation.agentId(), command.rating(), now),
                    conversation.tenantId().toString(), conversation.id().toString());
            ConversationView view = conversation.view();
            notices.publishEvent(new ConversationChanged(view));
            return view;
        });
    }
}
