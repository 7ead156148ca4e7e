package io.kefu.routing.queue;

import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.event.EventHandlers;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * routing's consumer of kb-ai-service's hand-offs (exchange kefu.kb, group {@code routing}): when the
 * AI gives a conversation to people (the customer asked, the model failed, the KB had nothing, a
 * reviewer rejected the draft, the review timed out or the WeChat window is closing), the conversation
 * joins the human queue of its group, keeping its place in history — chat still holds every message,
 * so the agent who takes it sees what the customer and the AI said. A conversation that is no longer
 * with the AI (already queued because the customer asked routing for a person) is left as it is.
 * The group is the one the tenant's rules map the hand-off's intent to ({@code intentGroups}), else the
 * conversation's own. The record is routing's own view of kb-ai's event.
 */
@Configuration(proxyBeanMethods = false)
class AiHandOffs {

    /** @param intent kb-ai's intent of the question (presale, aftersale, complaint, human, other); picks the group */
    record HandedOff(UUID conversationId, String reason, @Nullable String intent) {
    }

    @Bean
    Consumer<Message<byte[]>> kbEvents(EventHandlers handlers, RoutingDecision decision) {
        return handlers.consumer("routing")
                .on("kb.conversation.handed-off.v1", HandedOff.class, (data, envelope) ->
                        decision.handOverFromAi(RoutingConsumers.tenant(envelope), data.conversationId(), reason(data.reason()),
                                data.intent()))
                .build();
    }

    /** The queue's reason: the customer's own asks keep routing's words, the AI's give-ups say so. */
    static String reason(String aiReason) {
        return switch (aiReason) {
            case "asked_for_human", "complaint" -> aiReason;
            default -> "ai_" + aiReason;
        };
    }
}
