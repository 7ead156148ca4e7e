package io.kefu.stats.ingest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.event.EventHandlers;
import io.kefu.stats.metric.Conversations;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

import static io.kefu.stats.ingest.Projection.required;
import static io.kefu.stats.ingest.Projection.tenant;

/**
 * chat-service's facts (exchange kefu.chat, queue of group {@code stats}): conversations opened,
 * ended and rated, and replies. Only a reply with {@code senderType = staff} is a human reply: AI and
 * system messages never start or stop a figure.
 */
@Configuration(proxyBeanMethods = false)
class ChatIngest {

    record ConversationOpened(@Nullable UUID conversationId, @Nullable UUID customerId, @Nullable String channel, @Nullable Instant startedAt) {
    }

    record MessageSent(@Nullable UUID messageId, @Nullable UUID conversationId, @Nullable UUID senderId, @Nullable String senderType,
            @Nullable Instant createdAt) {
    }

    record ConversationEnded(@Nullable UUID conversationId, @Nullable UUID customerId, @Nullable UUID agentId, @Nullable String endedReason,
            @Nullable Instant startedAt, @Nullable Instant endedAt) {
    }

    record ConversationRated(@Nullable UUID conversationId, @Nullable UUID agentId, @Nullable Integer rating, @Nullable Instant ratedAt) {
    }

    @Bean
    Projection chatProjection(Conversations conversations) {
        return new Projection("chat")
                .on("chat.conversation.opened.v1", ConversationOpened.class, (d, e) -> conversations.opened(tenant(e),
                        required(d.conversationId(), "conversationId", e), d.customerId(), d.channel(), required(d.startedAt(), "startedAt", e)))
                .on("chat.message.sent.v1", MessageSent.class, (d, e) -> {
                    if ("staff".equals(required(d.senderType(), "senderType", e))) {
                        conversations.humanReplied(tenant(e), required(d.conversationId(), "conversationId", e),
                                required(d.messageId(), "messageId", e), d.senderId(), required(d.createdAt(), "createdAt", e));
                    }
                })
                .on("chat.conversation.ended.v1", ConversationEnded.class, (d, e) -> conversations.ended(tenant(e),
                        required(d.conversationId(), "conversationId", e), d.customerId(), d.agentId(), d.endedReason(), d.startedAt(),
                        required(d.endedAt(), "endedAt", e)))
                .on("chat.conversation.rated.v1", ConversationRated.class, (d, e) -> {
                    int rating = required(d.rating(), "rating", e);
                    if (rating < 1 || rating > 5) {
                        throw new io.kefu.common.event.MalformedEventException(e.type() + " " + e.id() + " has rating " + rating, null);
                    }
                    conversations.rated(tenant(e), required(d.conversationId(), "conversationId", e), d.agentId(), rating,
                            required(d.ratedAt(), "ratedAt", e));
                });
    }

    @Bean
    Consumer<Message<List<byte[]>>> chatEvents(EventHandlers handlers, StoredEvents stored, Projection chatProjection) {
        return chatProjection.consumer(handlers, stored);
    }
}
