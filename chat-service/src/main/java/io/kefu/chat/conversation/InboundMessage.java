package io.kefu.chat.conversation;

import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A customer's message that arrived through a WeChat channel callback, already resolved to a customer.
 *
 * @param channelAccountId the tenant's OA or WeCom app it came through
 * @param channelUserId    the customer's id on that channel (openid, external userid): where replies go
 * @param channelMsgId     WeChat's MsgId (or FromUserName+CreateTime for events): stored at most once
 */
public record InboundMessage(
        UUID tenantId,
        UUID customerId,
        Channel channel,
        UUID channelAccountId,
        String channelUserId,
        MessageType type,
        String content,
        @Nullable JsonNode extra,
        String channelMsgId,
        Source source) {
}
