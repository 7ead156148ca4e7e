package io.kefu.common.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

import io.kefu.common.event.EventEnvelope;
import io.kefu.common.event.EventJson;
import io.kefu.common.event.EventPublisher;
import io.kefu.testsupport.KefuInfrastructure;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Test helpers: publish through the real outbox, and reach the broker directly (not through the app). */
final class DemoEvents {

    private DemoEvents() {
    }

    static EventEnvelope publishCommitted(ApplicationContext app, Object event, String subject, int priority) {
        return inTransaction(app, () -> app.getBean(EventPublisher.class).publish(event, "t-1", subject, priority));
    }

    static <T> T inTransaction(ApplicationContext app, Supplier<T> work) {
        return new TransactionTemplate(app.getBean(PlatformTransactionManager.class)).execute(status -> work.get());
    }

    static CachingConnectionFactory directConnection() {
        KefuInfrastructure.Endpoints e = KefuInfrastructure.endpoints();
        CachingConnectionFactory cf = new CachingConnectionFactory(e.rabbitHost(), e.rabbitPort());
        cf.setUsername(e.rabbitUser());
        cf.setPassword(e.rabbitPassword());
        cf.setVirtualHost(e.rabbitVhost());
        return cf;
    }

    static EventEnvelope envelope(Message message) {
        return EventJson.mapper().readValue(new String(message.getBody(), StandardCharsets.UTF_8), EventEnvelope.class);
    }

    static void await(Duration timeout, String what, Supplier<Boolean> condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (Boolean.TRUE.equals(condition.get())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
    }
}
