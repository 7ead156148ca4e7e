package io.kefu.ticket.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * ticket-service's answer to a WeCom employee's {@code #记录客户} / {@code #查询进度}; chat sends
 * {@code text} back to them as an app message ({@code corpId}, {@code agentId}, {@code staffUserId}),
 * as it does for routing's answers.
 *
 * @param staffId   the staff account the WeCom member is; null when not bound
 * @param command   记录客户 or 查询进度
 * @param outcome   done or rejected
 * @param code      recorded, progress, not-bound, bad-format, bad-phone, not-found, ambiguous, already-recorded
 * @param projectId the project created or reported, when one
 * @param msgId     WeCom's MsgId of the command
 */
@EventType(value = "ticket.staff-command.answered.v1", priority = 6)
public record StaffCommandAnswered(String corpId, int agentId, String staffUserId, @Nullable UUID staffId, String command, String outcome,
        String code, String text, @Nullable UUID projectId, String msgId, Instant at) {
}
