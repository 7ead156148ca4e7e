package io.kefu.common.event;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Dead-letters one message of a batch (a batch consumer's refused event) the way the binder dead-letters a single
 * one: to the dead-letter exchange under the queue's name (so to {@code <queue>.dlq}), with the reason in
 * {@code x-exception-message} and {@code x-exception-stacktrace}, and the original exchange and routing key.
 * Waits for the broker's confirm: the batch is acknowledged only after its refused events are in the dead-letter
 * queue (a failure here fails the batch, which is redelivered; its processed events are then skipped by the inbox).
 */
public class DeadLetters {

    private final RabbitTemplate rabbit;
    private final String exchange;

    public DeadLetters(RabbitTemplate rabbit, String exchange) {
        this.rabbit = rabbit;
        this.exchange = exchange;
    }

    /** @param headers the message's own headers as the inbound adapter mapped them ({@code amqp_consumerQueue}, …) */
    public void publish(byte[] payload, Map<String, Object> headers, String reason, Throwable failure) {
        Object queue = headers.get("amqp_consumerQueue");
        if (queue == null) {
            throw new IllegalStateException("cannot dead-letter a message without its queue: " + reason);
        }
        MessageProperties properties = new MessageProperties();
        properties.setContentType(String.valueOf(headers.getOrDefault("contentType", MessageProperties.CONTENT_TYPE_JSON)));
        if (headers.get("amqp_priority") instanceof Integer priority) {
            properties.setPriority(priority);
        }
        properties.setHeader("x-exception-message", reason);
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        String stack = trace.toString();
        properties.setHeader("x-exception-stacktrace", stack.length() > 20_000 ? stack.substring(0, 20_000) : stack);
        properties.setHeader("x-original-exchange", headers.get("amqp_receivedExchange"));
        properties.setHeader("x-original-routingKey", headers.get("amqp_receivedRoutingKey"));
        CorrelationData confirm = new CorrelationData();
        rabbit.send(exchange, queue.toString(), new Message(payload, properties), confirm);
        try {
            if (!confirm.getFuture().get(10, TimeUnit.SECONDS).ack()) {
                throw new IllegalStateException("the broker refused the dead letter of " + new String(payload, 0, Math.min(payload.length, 100),
                        StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no confirm for a dead letter: " + e, e);
        }
    }
}
