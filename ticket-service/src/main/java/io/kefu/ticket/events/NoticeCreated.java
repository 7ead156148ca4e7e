package io.kefu.ticket.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/** A message reached a provider's message center (fact); chat or push may bring it to them live. */
@EventType(value = "ticket.notice.created.v1", priority = 4)
public record NoticeCreated(UUID noticeId, UUID providerId, String type, String title, @Nullable UUID relatedCustomerId,
        @Nullable UUID relatedTicketId, Instant createdAt) {
}
