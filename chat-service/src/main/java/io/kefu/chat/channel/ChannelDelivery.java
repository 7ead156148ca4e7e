package io.kefu.chat.channel;

import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.event.EventEnvelope;
import io.kefu.common.event.EventHandlers;
import io.kefu.common.remote.RemoteCalls;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import tools.jackson.databind.JsonNode;

/**
 * The consumers that take messages out to WeChat. They call nobody: inside the inbox transaction each
 * only enqueues a remote call ({@link RemoteCalls}, idempotent on the message), which is made after
 * commit, outside any transaction, by {@link MessageDelivery} or {@link StaffAnswerSender}; its
 * outcome is recorded in a second transaction. So no connection is held during the HTTP call, and a
 * commit that fails cannot follow a send: a message is sent at most once, however often the event
 * is redelivered.
 * <ul>
 *   <li>group {@code delivery}: chat-service's own {@code chat.message.sent.v1} (staff, AI and system
 *       messages to customers of an Official Account or WeCom app; realtime channels got them over STOMP);</li>
 *   <li>group {@code staff-answers}: routing's {@code routing.staff-command.answered.v1} (the answer to a
 *       WeCom employee's staff command, back to them as an app message).</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class ChannelDelivery {

    private static final Logger log = LoggerFactory.getLogger(ChannelDelivery.class);

    /** The fields of chat.message.sent.v1 this consumer reads (its own record, not the producer's class). */
    record SentMessage(UUID messageId, UUID conversationId, String channel, @Nullable UUID channelAccountId, @Nullable String channelUserId,
            String type, String content, @Nullable JsonNode extra) {
    }

    /** routing's answer to a WeCom employee's staff command (#转接工程师, #问题已解决): back to them as an app message. */
    record StaffCommandAnswer(String corpId, int agentId, String staffUserId, String text, String msgId) {
    }

    private final RemoteCalls remoteCalls;
    private final MessageDelivery messages;
    private final StaffAnswerSender answers;

    ChannelDelivery(RemoteCalls remoteCalls, MessageDelivery messages, StaffAnswerSender answers) {
        this.remoteCalls = remoteCalls;
        this.messages = messages;
        this.answers = answers;
    }

    @Bean
    Consumer<Message<byte[]>> chatDelivery(EventHandlers handlers) {
        return handlers.consumer("delivery").on("chat.message.sent.v1", SentMessage.class, this::deliver).build();
    }

    @Bean
    Consumer<Message<byte[]>> staffAnswerDelivery(EventHandlers handlers) {
        return handlers.consumer("staff-answers").on("routing.staff-command.answered.v1", StaffCommandAnswer.class, this::answer).build();
    }

    void deliver(SentMessage message, EventEnvelope envelope) {
        if (!"mp".equals(message.channel()) && !"wecom".equals(message.channel())) {
            return; // miniapp and web: pushed over STOMP already
        }
        remoteCalls.enqueue(messages, message.messageId().toString(), message);
    }

    void answer(StaffCommandAnswer answer, EventEnvelope envelope) {
        if (envelope.tenantId() == null || !answers.tenantOwnsApp(envelope.tenantId(), answer)) {
            log.info("No enabled WeCom app {}/{} of tenant {} to answer staff command {}", answer.corpId(), answer.agentId(),
                    envelope.tenantId(), answer.msgId());
            return;
        }
        // One answer per command and answering service (routing and ticket answer different commands through the same app).
        remoteCalls.enqueue(answers, envelope.type() + ":" + envelope.tenantId() + ":" + answer.msgId(), new StaffAnswerSender.Answer(
                UUID.fromString(envelope.tenantId()), answer));
    }
}
