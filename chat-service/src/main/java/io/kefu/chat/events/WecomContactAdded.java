package io.kefu.chat.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * A WeCom employee of the tenant added (or edited) an external contact, who is now bound to a customer
 * (WeCom's {@code change_external_contact} add/edit). ticket-service links the customer to a
 * provider's customer when it can tell which.
 *
 * @param followUserId the employee's WeCom userid
 * @param customerId   auth's customer the external contact is
 * @param state        the contact way's {@code state} (what the employee's "contact me" QR code carried), if any
 * @param changeType   add_external_contact, add_half_external_contact or edit_external_contact
 */
@EventType(value = "chat.wecom.contact-added.v1", priority = 5)
public record WecomContactAdded(
        String corpId,
        int agentId,
        String externalUserId,
        String followUserId,
        UUID customerId,
        @Nullable String state,
        String changeType,
        Instant addedAt) {
}
