package io.kefu.routing.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * Routing's answer to a staff command a WeCom employee sent to the tenant's WeCom app; chat sends
 * {@code text} back to them as an app message ({@code corpId}, {@code agentId}, {@code staffUserId}
 * name the app and the member).
 *
 * @param staffId        the agent the WeCom member is; null when the userid belongs to no agent
 * @param command        转接工程师 or 问题已解决
 * @param outcome        done or rejected
 * @param code           transferred, resolved, not-bound, no-conversation, ambiguous, no-such-conversation
 * @param conversationId the conversation acted on, when one was
 * @param msgId          WeCom's MsgId of the command, so that an answer can be matched to it
 */
@EventType(value = "routing.staff-command.answered.v1", priority = 6)
public record StaffCommandAnswered(String corpId, int agentId, String staffUserId, @Nullable UUID staffId, String command, String outcome,
        String code, String text, @Nullable UUID conversationId, String msgId, Instant at) {
}
