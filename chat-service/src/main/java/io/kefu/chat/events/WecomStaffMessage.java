package io.kefu.chat.events;

import java.time.Instant;

import io.kefu.common.event.EventType;

/**
 * An employee of the tenant wrote to the tenant's WeCom app. Not a customer message: routing and
 * ticket read staff commands from it (#转接工程师, #问题已解决, #记录客户, #查询进度).
 *
 * @param staffUserId the employee's WeCom userid
 * @param msgType     WeCom's MsgType (text, image, voice, location, link...)
 * @param content     the text; for other types a short description
 * @param msgId       WeCom's MsgId (unique per message)
 */
@EventType(value = "chat.wecom.staff-message.v1", priority = 5)
public record WecomStaffMessage(
        String corpId,
        int agentId,
        String staffUserId,
        String msgType,
        String content,
        String msgId,
        Instant receivedAt) {
}
