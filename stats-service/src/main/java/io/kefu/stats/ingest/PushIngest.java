package io.kefu.stats.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.event.EventHandlers;
import io.kefu.common.event.MalformedEventException;
import io.kefu.stats.metric.PushOutcomes;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

import static io.kefu.stats.ingest.Projection.required;
import static io.kefu.stats.ingest.Projection.tenant;

/** push-service's facts (exchange kefu.push): each message's final outcome, sent (with the provider call's time) or failed. */
@Configuration(proxyBeanMethods = false)
class PushIngest {

    static final Set<String> FAILURES = Set.of("failed", "dead", "unknown");

    record Sent(@Nullable UUID messageId, @Nullable String channel, @Nullable Long sendMillis, @Nullable Instant sentAt) {
    }

    record Failed(@Nullable UUID messageId, @Nullable String channel, @Nullable String outcome, @Nullable Instant failedAt) {
    }

    @Bean
    Projection pushProjection(PushOutcomes outcomes) {
        return new Projection("push")
                .on("push.message.sent.v1", Sent.class, (d, e) -> {
                    long millis = required(d.sendMillis(), "sendMillis", e);
                    if (millis < 0) {
                        throw new MalformedEventException(e.type() + " " + e.id() + " has sendMillis " + millis, null);
                    }
                    outcomes.sent(tenant(e), required(d.messageId(), "messageId", e), d.channel(), millis, required(d.sentAt(), "sentAt", e));
                })
                .on("push.message.failed.v1", Failed.class, (d, e) -> {
                    String outcome = required(d.outcome(), "outcome", e);
                    if (!FAILURES.contains(outcome)) {
                        throw new MalformedEventException(e.type() + " " + e.id() + " has an unknown outcome: " + outcome, null);
                    }
                    outcomes.failed(tenant(e), required(d.messageId(), "messageId", e), d.channel(), outcome, required(d.failedAt(), "failedAt", e));
                });
    }

    @Bean
    Consumer<Message<List<byte[]>>> pushEvents(EventHandlers handlers, StoredEvents stored, Projection pushProjection) {
        return pushProjection.consumer(handlers, stored);
    }
}
