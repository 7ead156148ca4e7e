package io.kefu.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch consumer keeps each event's guarantees: with the chat consumer stopped, a backlog of two good events,
 * one of them delivered twice, and a forged one arrives as one batch; each good event takes effect once, the forged one alone is dead-lettered with its reason after one
 * attempt and leaves nothing behind (not even its inbox id).
 */
class BatchIngestIT extends StatsItSupport {

    @Autowired
    BindingsLifecycleController bindings;

    @Test
    void aBatchWithADuplicateAndAForgedEventCountsEachGoodEventOnceAndDeadLettersOnlyTheForgedOne() {
        UUID tenant = UUID.randomUUID();
        UUID[] conversations = {UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()};
        Instant at = Instant.now().minusSeconds(60);
        String forged;
        bindings.changeState("chatEvents-in-0", BindingsLifecycleController.State.STOPPED);
        try {
            publish(rabbit, "chat.conversation.opened.v1", tenant, conversations[0], Map.of("conversationId", conversations[0].toString(),
                    "customerId", UUID.randomUUID().toString(), "channel", "mp", "startedAt", at.toString()));
            forged = publish(rabbit, "chat.conversation.opened.v1", tenant, conversations[1], Map.of("customerId", UUID.randomUUID().toString(),
                    "channel", "mp", "startedAt", at.toString()));
            String twice = publish(rabbit, "chat.conversation.opened.v1", tenant, conversations[2], Map.of("conversationId",
                    conversations[2].toString(), "customerId", UUID.randomUUID().toString(), "channel", "wecom", "startedAt", at.toString()));
            // the same envelope again (a redelivery), in the same backlog
            MessageProperties props = new MessageProperties();
            props.setContentType("application/json");
            rabbit.send("kefu.chat", "conversation.opened.v1", new Message(envelope(twice, tenant, conversations[2], at).getBytes(), props));
        } finally {
            bindings.changeState("chatEvents-in-0", BindingsLifecycleController.State.STARTED);
        }
        awaitStored(tenant, 2);
        String reason = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (reason == null && System.nanoTime() < deadline) {
            Message dead = rabbit.receive("kefu.chat.stats.dlq", 1000);
            if (dead != null && new String(dead.getBody()).contains(forged)) {
                reason = String.valueOf(dead.getMessageProperties().getHeaders().get("x-exception-message"));
            }
        }
        assertThat(reason).contains("lacks conversationId").contains("(1 attempt)");
        assertThat(jdbc.queryForObject("select count(*) from stored_event where tenant_id = ?", Long.class, tenant)).isEqualTo(2);
        assertThat(jdbc.queryForObject("select count(*) from measurement where tenant_id = ? and metric = 'conversation.opened'", Long.class,
                tenant)).isEqualTo(2);
        assertThat(jdbc.queryForObject("select count(*) from kefu_inbox where event_id = ?", Long.class, forged)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from conversation where conversation_id = ?", Long.class, conversations[1])).isZero();
    }

    private static String envelope(String id, UUID tenant, UUID conversation, Instant at) {
        return "{\"id\":\"" + id + "\",\"type\":\"chat.conversation.opened.v1\",\"source\":\"test\",\"time\":\"" + at + "\",\"tenantId\":\"" + tenant
                + "\",\"subject\":\"" + conversation + "\",\"priority\":5,\"data\":{\"conversationId\":\"" + conversation
                + "\",\"channel\":\"wecom\",\"startedAt\":\"" + at + "\"}}";
    }
}
