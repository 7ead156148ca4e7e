package io.kefu.common.event;

import org.springframework.beans.DirectFieldAccessor;
import org.springframework.cloud.stream.config.ConsumerEndpointCustomizer;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;
import org.springframework.integration.amqp.inbound.AmqpInboundChannelAdapter;

/**
 * Puts the handler's own reason into a dead-lettered event's {@code x-exception-message}.
 *
 * <p>Framework 7's retry wraps the last failure in a {@link RetryException} ("Retry policy … exhausted"),
 * which the RabbitMQ binder takes as the message of what it republishes to {@code <queue>.dlq}; whoever
 * reads the dead-letter queue then sees the same text for a forged event and for a database outage. Each
 * consumer's retry template is replaced by one with the same policy and listener whose failure names the
 * first {@link MalformedEventException} in the chain (not retried: see the retryable-exceptions default)
 * or else the innermost cause, with the number of attempts.
 */
public final class DeadLetterReasons implements ConsumerEndpointCustomizer<AmqpInboundChannelAdapter> {

    @Override
    public void configure(AmqpInboundChannelAdapter endpoint, String destinationName, String group) {
        // The binder sets its retry template (built from the binding's max-attempts/back-off) before customizers run, and offers no getter.
        Object retry = new DirectFieldAccessor(endpoint).getPropertyValue("retryTemplate");
        if (retry instanceof RetryTemplate original && !(retry instanceof Reasoned)) {
            Reasoned reasoned = new Reasoned(original);
            endpoint.setRetryTemplate(reasoned);
        }
    }

    /** The reason a consumer gave up on an event: the malformation, else the innermost cause's message. */
    public static String reasonOf(Throwable failure) {
        Throwable innermost = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MalformedEventException) {
                return "malformed event: " + t.getMessage();
            }
            if (!(t instanceof RetryException)) {
                innermost = t;
            }
        }
        return innermost.getClass().getSimpleName() + ": " + innermost.getMessage();
    }

    static final class Reasoned extends RetryTemplate {

        Reasoned(RetryTemplate original) {
            super(original.getRetryPolicy());
            if (original.getRetryListener() != null) {
                setRetryListener(original.getRetryListener());
            }
        }

        @Override
        public <R> R execute(Retryable<R> retryable) throws RetryException {
            try {
                return super.execute(retryable);
            } catch (RetryException e) {
                int attempts = e.getExceptions().size();
                throw new RetryException(reasonOf(e) + " (" + attempts + (attempts == 1 ? " attempt)" : " attempts)"), e);
            }
        }
    }
}
