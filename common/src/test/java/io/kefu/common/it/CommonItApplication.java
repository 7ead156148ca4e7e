package io.kefu.common.it;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import com.xxl.job.core.context.XxlJobHelper;
import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.event.EventHandlers;
import io.kefu.common.event.EventPublisher;
import io.kefu.common.event.EventType;
import io.kefu.common.security.KefuSecurityCustomizer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.Message;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A minimal service that uses the event machinery the way real services do. */
@SpringBootApplication
public class CommonItApplication {

    @EventType("demo.happened.v1")
    public record DemoHappened(String subject, int count, List<String> tags, Detail detail) {
        public record Detail(String note) {
        }
    }

    @EventType("demo.failing.v1")
    public record DemoFailing(String subject) {
    }

    @EventType("demo.ranked.v1")
    public record DemoRanked(String subject, int rank) {
    }

    /** What the consumer saw, in order. */
    public record Consumed(String type, String subject, int priority, String traceId) {
    }

    /** Ticks each instance ran, keyed by tick time; shared by all instances in this JVM. */
    public static final Map<Long, List<String>> TICKS = new ConcurrentHashMap<>();

    @ConfigurationProperties("demo.tunables")
    public record DemoTunables(@DefaultValue("5") int threshold, @DefaultValue("off") String mode) {
        public DemoTunables {
            if (threshold < 1 || threshold > 100) {
                throw new IllegalArgumentException("demo.tunables.threshold must be 1-100, was " + threshold);
            }
        }
    }

    @Bean
    LiveProperties<DemoTunables> demoTunables(Environment environment) {
        return LiveProperties.bind(environment, DemoTunables.class);
    }

    @Bean
    DemoJob demoJob(Environment environment, org.redisson.api.RedissonClient redisson) {
        String app = environment.getProperty("spring.application.name");
        String namespace = environment.getProperty("kefu.jobs.lock-namespace", "");
        return new DemoJob(environment.getProperty("demo.instance", "?"),
                redisson.getLock("kefu:job:" + (namespace.isBlank() ? app : namespace + ":" + app) + ":demo-tick"));
    }

    /** The time to live of the job's lock, as each run saw it while holding it (ms). */
    public static final List<Long> LOCK_TTLS = new CopyOnWriteArrayList<>();

    public static class DemoJob {
        private final String instance;
        private final org.redisson.api.RLock lock;

        DemoJob(String instance, org.redisson.api.RLock lock) {
            this.instance = instance;
            this.lock = lock;
        }

        @XxlJob("demo-tick")
        public void tick() {
            TICKS.computeIfAbsent(XxlJobHelper.getLogDateTime(), k -> new CopyOnWriteArrayList<>()).add(instance);
            LOCK_TTLS.add(lock.remainTimeToLive());
        }
    }

    /** A service endpoint that changes state and publishes, as real endpoints will. */
    @RestController
    static class DemoController {
        private final EventPublisher publisher;

        DemoController(EventPublisher publisher) {
            this.publisher = publisher;
        }

        @PostMapping("/demo/happenings/{subject}")
        @Transactional
        public String happen(@PathVariable String subject) {
            return publisher.publish(new DemoHappened(subject, 1, List.of(), null), "t-1", subject, 5).id();
        }
    }

    /** The demo endpoint and refresh are open in this test application only; it has no token issuer. */
    @Bean
    KefuSecurityCustomizer openDemoEndpoints() {
        return new KefuSecurityCustomizer() {
            @Override
            public java.util.List<String> publicPaths() {
                return java.util.List.of("/demo/**", "/actuator/refresh");
            }
        };
    }

    /** Every span this application ends, as exported (the OTLP exporter sees the same data). */
    @Bean
    EndedSpans endedSpans() {
        return new EndedSpans();
    }

    public static final class EndedSpans implements io.opentelemetry.sdk.trace.SpanProcessor {

        private final List<io.opentelemetry.sdk.trace.data.SpanData> spans = new CopyOnWriteArrayList<>();

        public List<io.opentelemetry.sdk.trace.data.SpanData> all() {
            return List.copyOf(spans);
        }

        @Override
        public void onStart(io.opentelemetry.context.Context parent, io.opentelemetry.sdk.trace.ReadWriteSpan span) {
        }

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(io.opentelemetry.sdk.trace.ReadableSpan span) {
            spans.add(span.toSpanData());
        }

        @Override
        public boolean isEndRequired() {
            return true;
        }
    }

    @Bean
    BlockingQueue<Consumed> consumed() {
        return new LinkedBlockingQueue<>();
    }

    @Bean
    Consumer<Message<byte[]>> demoEvents(EventHandlers handlers, JdbcTemplate jdbc, BlockingQueue<Consumed> consumed,
            ObjectProvider<Tracer> tracer) {
        return handlers.consumer("it")
                .on("demo.happened.v1", DemoHappened.class, (data, envelope) -> {
                    jdbc.update("insert into demo_effect (subject) values (?)", data.subject());
                    consumed.add(new Consumed(envelope.type(), data.subject(), envelope.priority(), traceId(tracer)));
                })
                .on("demo.ranked.v1", DemoRanked.class, (data, envelope) ->
                        consumed.add(new Consumed(envelope.type(), data.subject(), envelope.priority(), traceId(tracer))))
                .on("demo.failing.v1", DemoFailing.class, (data, envelope) -> {
                    // each attempt is seen, so a test can tell a retried failure from one dead-lettered at once
                    consumed.add(new Consumed(envelope.type(), data.subject(), envelope.priority(), null));
                    if (data.subject().startsWith("malformed-")) {
                        throw new io.kefu.common.event.MalformedEventException("demo handler finds " + data.subject() + " malformed", null);
                    }
                    throw new IllegalStateException("demo handler refuses " + data.subject());
                })
                .build();
    }

    private static String traceId(ObjectProvider<Tracer> tracer) {
        Tracer t = tracer.getIfAvailable();
        Span span = t == null ? null : t.currentSpan();
        return span == null ? null : span.context().traceId();
    }
}
