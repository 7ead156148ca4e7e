package io.kefu.common.it;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.kefu.common.remote.RemoteCallKind;
import io.kefu.common.remote.RemoteCallOutcome;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Two remote-call kinds for {@link RemoteCallsIT}, played in process: each call answers the next
 * scripted outcome for its key and is counted. {@code recorded} fails for keys starting with
 * {@code lost} when the outcome is DONE, as if the process died after the provider answered.
 */
@Configuration(proxyBeanMethods = false)
public class DemoRemoteCalls {

    public record Work(String key) {
    }

    /** Outcomes still to answer, per key (default: done). */
    public static final Map<String, Deque<RemoteCallOutcome>> SCRIPT = new ConcurrentHashMap<>();
    public static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    public static final List<String> RECORDED = new CopyOnWriteArrayList<>();

    public static void script(String key, RemoteCallOutcome... outcomes) {
        SCRIPT.put(key, new ArrayDeque<>(List.of(outcomes)));
    }

    public static int calls(String key) {
        return CALLS.getOrDefault(key, new AtomicInteger()).get();
    }

    static class Kind implements RemoteCallKind<Work> {
        private final String name;
        private final LostOutcome rule;

        Kind(String name, LostOutcome rule) {
            this.name = name;
            this.rule = rule;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Class<Work> payloadType() {
            return Work.class;
        }

        @Override
        public RemoteCallOutcome call(Work work, Attempt attempt) {
            CALLS.computeIfAbsent(work.key(), k -> new AtomicInteger()).incrementAndGet();
            Deque<RemoteCallOutcome> script = SCRIPT.get(work.key());
            RemoteCallOutcome next = script == null ? null : script.pollFirst();
            return next == null ? RemoteCallOutcome.done("ref-" + attempt.number()) : next;
        }

        @Override
        public void recorded(Work work, RemoteCallOutcome outcome) {
            if (work.key().startsWith("lost") && outcome.status() == RemoteCallOutcome.Status.DONE) {
                throw new IllegalStateException("the outcome transaction fails");
            }
            RECORDED.add(name + ":" + work.key() + ":" + outcome.status());
        }

        @Override
        public LostOutcome whenOutcomeLost() {
            return rule;
        }
    }

    @Bean
    Kind demoSendOnce() {
        return new Kind("demo.send-once", RemoteCallKind.LostOutcome.MARK_UNKNOWN);
    }

    @Bean
    Kind demoIdempotent() {
        return new Kind("demo.idempotent", RemoteCallKind.LostOutcome.RESEND);
    }
}
