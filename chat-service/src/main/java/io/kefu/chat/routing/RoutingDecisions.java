package io.kefu.chat.routing;

import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.chat.conversation.ConversationAssignment;
import io.kefu.chat.conversation.ConversationEnding;
import io.kefu.chat.conversation.ConversationQueries;
import io.kefu.chat.conversation.ConversationStatus;
import io.kefu.chat.conversation.MessageSending;
import io.kefu.chat.conversation.MessageType;
import io.kefu.chat.conversation.SenderType;
import io.kefu.chat.realtime.Realtime;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.event.EventHandlers;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * What chat does with routing-service's decisions (exchange kefu.routing, group {@code chat}): an
 * assignment makes the conversation active with its agent; a transfer to a group puts it back to
 * waiting; an inactivity warning becomes a system message to the customer; a close request ends the
 * conversation with routing's reason (in the agent's name when their staff command asked); queue positions and staff status go to the people concerned over
 * STOMP. Each record is chat's own view of routing's event.
 */
@Configuration(proxyBeanMethods = false)
class RoutingDecisions {

    record Assigned(UUID conversationId, UUID agentId) {
    }

    record Transferred(UUID conversationId, @Nullable UUID toAgentId, String toGroup) {
    }

    record InactivityWarning(UUID conversationId, long closesInSeconds) {
    }

    record CloseRequested(UUID conversationId, String reason, @Nullable String comment, @Nullable UUID byStaffId) {
    }

    record Position(UUID conversationId, UUID customerId, int position, long estimatedWaitSeconds) {
    }

    record AgentStatus(UUID staffId, String name, String groupName, String status, int currentLoad, int maxConcurrentChats) {
    }

    @Bean
    Consumer<Message<byte[]>> routingEvents(EventHandlers handlers, ConversationQueries conversations, ConversationAssignment assignment,
            ConversationEnding ending, MessageSending sending, Realtime realtime) {
        return handlers.consumer("chat")
                .on("routing.conversation.queued.v1", Position.class, (data, envelope) -> {
                    realtime.toUser(data.customerId(), "/queue/position", data);
                    // Official Account and WeCom customers have no socket: they are told once, as a message, when
                    // someone is ahead of them (first in line is taken as soon as an agent is free; a notice then is
                    // noise). Later moves are not sent there (WeChat limits what an account may send unasked).
                    conversations.find(data.conversationId())
                            .filter(c -> data.position() > 1 && ConversationStatus.WAITING.code().equals(c.status()))
                            .filter(c -> "mp".equals(c.channel()) || "wecom".equals(c.channel()))
                            .ifPresent(c -> systemMessage(sending, c.id(), queueNotice(data)));
                })
                .on("routing.queue.position.v1", Position.class, (data, envelope) ->
                        realtime.toUser(data.customerId(), "/queue/position", data))
                .on("routing.agent.status.v1", AgentStatus.class, (data, envelope) ->
                        realtime.broadcastStaffStatus(UUID.fromString(envelope.tenantId()), data))
                .on("routing.conversation.assigned.v1", Assigned.class, (data, envelope) ->
                        assignment.assign(data.conversationId(), data.agentId()))
                .on("routing.conversation.transferred.v1", Transferred.class, (data, envelope) -> {
                    if (data.toAgentId() == null) {
                        assignment.assign(data.conversationId(), null);
                        systemMessage(sending, data.conversationId(), "正在为您转接其他客服，请稍候");
                    }
                })
                .on("routing.conversation.inactivity-warning.v1", InactivityWarning.class, (data, envelope) ->
                        systemMessage(sending, data.conversationId(),
                                "您已有一段时间未回复，会话将在 " + Math.max(1, data.closesInSeconds() / 60) + " 分钟后自动结束"))
                .on("routing.conversation.close-requested.v1", CloseRequested.class, (data, envelope) ->
                        ending.endBySystem(data.conversationId(), data.reason(), data.comment(), data.byStaffId()))
                .build();
    }

    static String queueNotice(Position position) {
        long minutes = Math.max(1, (position.estimatedWaitSeconds() + 59) / 60);
        return "正在为您转接人工客服，您前面还有 " + Math.max(0, position.position() - 1) + " 位，预计等待约 " + minutes + " 分钟。";
    }

    /** A notice to the customer; a conversation that ended meanwhile gets none (nothing to retry). */
    private static void systemMessage(MessageSending sending, UUID conversationId, String text) {
        try {
            sending.post(conversationId, SenderType.SYSTEM, MessageType.SYSTEM, text, null);
        } catch (KefuProblemException ended) {
            if (ended.problem().status().is5xxServerError()) {
                throw ended;
            }
        }
    }
}
