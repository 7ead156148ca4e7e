package io.kefu.push.request;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.event.EventEnvelope;
import io.kefu.common.event.EventHandlers;
import io.kefu.push.template.Channel;
import io.kefu.push.template.Template;
import io.kefu.push.template.Templates;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import tools.jackson.databind.json.JsonMapper;

/**
 * chat's fallback when WeChat refuses a reply because the 48-hour customer-service window has closed
 * (errcode 45015): chat marks the reply failed and publishes {@code chat.message.failed.v1}; push consumes
 * it (group {@code push}) and sends the tenant's WeChat template named {@value #TEMPLATE} — an Official
 * Account template message, or a subscribe message if the tenant made it one — to the same follower.
 * The template may use {@code {{content}}} (the refused reply, cut to 20 characters as WeChat's template
 * fields want) and {@code {{time}}} (when it was refused, Asia/Shanghai). The event id is the
 * Idempotency-Key, so a redelivered event queues nothing more. A tenant without such a template gets no
 * fallback (logged), and a refused fallback (e.g. no subscribe authorisation left) fails in its own trace.
 */
@Configuration(proxyBeanMethods = false)
class ChatFallback {

    static final String TEMPLATE = "chat-window-closed";
    static final String WINDOW_CLOSED = "45015";
    private static final Logger log = LoggerFactory.getLogger(ChatFallback.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.of("Asia/Shanghai"));

    /** push's view of chat's {@code chat.message.failed.v1}. */
    record ChatMessageFailed(UUID messageId, String channel, @Nullable String channelUserId, String content, String errorCode,
            Instant failedAt) {
    }

    @Bean
    Consumer<Message<byte[]>> chatEvents(EventHandlers handlers, Templates templates, Requests requests) {
        return handlers.consumer("push")
                .on("chat.message.failed.v1", ChatMessageFailed.class, (data, envelope) -> fallBack(templates, requests, data, envelope))
                .build();
    }

    static void fallBack(Templates templates, Requests requests, ChatMessageFailed data, EventEnvelope envelope) {
        if (!WINDOW_CLOSED.equals(data.errorCode()) || !"mp".equals(data.channel()) || data.channelUserId() == null
                || envelope.tenantId() == null) {
            return; // only the closed window of an Official Account conversation has a fallback
        }
        UUID tenantId = UUID.fromString(envelope.tenantId());
        Template template = templates.findByTenantIdAndName(tenantId, TEMPLATE).filter(t -> t.channel() == Channel.WECHAT).orElse(null);
        if (template == null || !template.active()) {
            log.info("chat message {} refused (45015) and tenant {} has no active wechat template '{}': no fallback", data.messageId(),
                    tenantId, TEMPLATE);
            return;
        }
        Map<String, String> available = Map.of("content", cut(data.content(), 20), "time", TIME.format(data.failedAt()));
        Map<String, String> variables = new LinkedHashMap<>();
        for (String name : template.variables()) {
            String value = available.get(name);
            if (value == null) {
                log.warn("template '{}' of tenant {} uses variable '{}'; a fallback offers only content and time: no fallback",
                        TEMPLATE, tenantId, name);
                return;
            }
            variables.put(name, value);
        }
        try {
            Requests.Accepted accepted = requests.send(tenantId, template.id(), data.channelUserId(), JSON.valueToTree(variables), 7,
                    "chat-45015-" + envelope.id());
            log.info("chat message {} refused (45015): fallback push message {}", data.messageId(), accepted.messageId());
        } catch (KefuProblemException refused) {
            // A recipient or template that cannot be sent will not become sendable by retrying the event.
            log.warn("chat message {} refused (45015); the fallback was refused too: {}", data.messageId(), refused.getMessage());
        }
    }

    private static String cut(String text, int max) {
        return text.codePointCount(0, text.length()) <= max ? text : text.substring(0, text.offsetByCodePoints(0, max - 1)) + "…";
    }
}
