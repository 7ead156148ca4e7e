package io.kefu.chat.conversation;

import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A message a signed-in user sends over HTTP or STOMP (the seed's send_message).
 *
 * @param conversationId required for staff; a customer without one joins or opens their conversation
 * @param type           text, image, voice or file (system messages are the service's own)
 * @param extra          e.g. {@code {"fileId": "..."}} for an upload
 * @param clientMsgId    the client's id: a retried send returns the first stored message
 * @param channel        for customers: miniapp (default) or web
 * @param source         for a new conversation: qr_code, quick_chat (default) or transfer
 */
public record SendCommand(
        @Nullable UUID conversationId,
        @Nullable String type,
        @NotBlank @Size(max = 4000) String content,
        @Nullable JsonNode extra,
        @Nullable @Size(max = 64) String clientMsgId,
        @Nullable String channel,
        @Nullable String source) {
}
