package io.kefu.common.event;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.jspecify.annotations.Nullable;

/**
 * Carries W3C trace context through the outbox: the producer's traceparent is stored in the
 * envelope at commit time (the relay runs later, outside the request), and the consumer continues
 * that trace, so one trace spans gateway → service → RabbitMQ → service.
 */
public class EventTracing {

    private static final String TRACEPARENT = "traceparent";

    private final @Nullable Tracer tracer;
    private final @Nullable Propagator propagator;

    public EventTracing(@Nullable Tracer tracer, @Nullable Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    public @Nullable String currentTraceparent() {
        if (tracer == null || propagator == null) {
            return null;
        }
        TraceContext context = tracer.currentTraceContext().context();
        if (context == null) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        propagator.inject(context, carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /**
     * Starts the producer span of an outbox row's publication: a child of the trace stored with the row
     * ({@code traceparent}, the transaction that wrote it), starting when the row was written, so the
     * time an event waited in the outbox is a span of its trace instead of an unexplained gap. Null when
     * tracing is off or the row carries no trace (nothing to continue).
     */
    public @Nullable PublishSpan startPublish(@Nullable String traceparent, String name, Instant writtenAt, Map<String, String> tags) {
        if (tracer == null || propagator == null || traceparent == null) {
            return null;
        }
        Span.Builder builder = propagator.extract(Map.of(TRACEPARENT, traceparent), Map::get).name(name).kind(Span.Kind.PRODUCER)
                .startTimestamp(writtenAt.toEpochMilli() * 1000 + writtenAt.getNano() / 1000 % 1000, TimeUnit.MICROSECONDS);
        tags.forEach(builder::tag);
        Span span = builder.start();
        Map<String, String> carrier = new HashMap<>();
        propagator.inject(span.context(), carrier, Map::put);
        return new PublishSpan(span, carrier.get(TRACEPARENT));
    }

    /** A publication's span and the traceparent the message carries (the span's own, so consumers are its children). */
    public record PublishSpan(Span span, @Nullable String traceparent) {

        public void confirmed() {
            span.end();
        }

        public void failed(String reason) {
            span.tag("error.type", "not-confirmed").event(reason).error(new IllegalStateException(reason));
            span.end();
        }
    }

    /** Runs {@code work} in a consumer span that is a child of {@code traceparent} (or a new trace). */
    public <T> T inConsumerSpan(@Nullable String traceparent, String name, Supplier<T> work) {
        if (tracer == null || propagator == null) {
            return work.get();
        }
        Map<String, String> carrier = traceparent == null ? Map.of() : Map.of(TRACEPARENT, traceparent);
        Span span = propagator.extract(carrier, Map::get).name(name).kind(Span.Kind.CONSUMER).start();
        try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
            return work.get();
        } catch (RuntimeException | Error e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }
}
