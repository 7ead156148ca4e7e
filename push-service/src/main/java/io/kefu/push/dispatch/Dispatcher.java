package io.kefu.push.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.event.EventPublisher;
import io.kefu.push.events.MessageFailed;
import io.kefu.push.events.MessageSent;
import io.kefu.push.sender.BatchSender;
import io.kefu.push.sender.Outgoing;
import io.kefu.push.sender.Pacing;
import io.kefu.push.sender.ProviderHttp;
import io.kefu.push.sender.SendOutcome;
import io.kefu.push.sender.Sender;
import io.kefu.push.sender.Senders;
import io.kefu.push.template.Channel;
import io.kefu.push.template.Template;
import io.kefu.push.template.TemplateText;
import io.kefu.push.template.Templates;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends one queued message: claim (queued → sending with a lease) and commit; check template,
 * configuration and pacing; call the provider with no transaction open; record the outcome in a second
 * transaction with its event. The claim lets one delivery through, so a redelivered or duplicated AMQP
 * message never sends twice; a crash between claim and record leaves a leased row that
 * {@link DispatchJobs#expireLeases()} marks unknown instead of sending it again.
 */
@Component
class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Messages messages;
    private final Templates templates;
    private final Senders senders;
    private final Pacing pacing;
    private final EventPublisher events;
    private final TransactionTemplate tx;
    private final LiveProperties<DispatchProperties> properties;
    private final Clock clock;
    private final Map<Channel, AtomicInteger> active = new EnumMap<>(Channel.class);
    private final Map<UUID, Cached> templateCache = new ConcurrentHashMap<>();
    private final Map<String, io.micrometer.core.instrument.Counter> outcomes = new ConcurrentHashMap<>();
    /** The provider calls of a bulk delivery, made side by side: they mostly wait on the network. */
    private final ExecutorService calling = Executors.newVirtualThreadPerTaskExecutor();

    private record Cached(Optional<Template> template, long loadedAt) {
    }

    /** Time per lot spent in each step (claim, check, pace, send, record): where a batch's dispatch time goes. */
    private final Map<String, Timer> steps = new HashMap<>();
    private final MeterRegistry meters;
    private static final List<String> STEPS = List.of("claim", "check", "pace", "send", "record", "events");

    Dispatcher(Messages messages, Templates templates, Senders senders, Pacing pacing, EventPublisher events, TransactionTemplate tx,
            LiveProperties<DispatchProperties> properties, Clock clock, MeterRegistry meters) {
        this.messages = messages;
        this.templates = templates;
        this.senders = senders;
        this.pacing = pacing;
        this.events = events;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        for (Channel channel : Channel.values()) {
            active.put(channel, new AtomicInteger());
        }
        for (String lane : List.of("bulk", "urgent")) {
            for (String step : STEPS) {
                steps.put(lane + step, Timer.builder("kefu.push.dispatch.step").tag("lane", lane).tag("step", step)
                        .description("time a lot of deliveries (urgent: one) spends in one dispatch step").register(meters));
            }
        }
    }

    private long timed(String lane, String step, long since) {
        return timed(lane, step, since, System.nanoTime());
    }

    private long timed(String lane, String step, long since, long until) {
        steps.get(lane + step).record(until - since, java.util.concurrent.TimeUnit.NANOSECONDS);
        return until;
    }

    int active(Channel channel) {
        return active.get(channel).get();
    }

    /** One delivery from a dispatch queue (the urgent lane). Never throws: a failure to even claim leaves the row for the publish job. */
    void deliver(Channel channel, UUID messageId) {
        deliverAll(channel, List.of(messageId), "urgent");
    }

    /**
     * A bulk consumer's deliveries: claimed in one statement, the provider calls made at once (each on a
     * virtual thread) — messages a provider's batch API can take together in one call ({@link BatchSender}:
     * Aliyun SendBatchSms, Tencent's PhoneNumberSet, JPush's id list), the others one call each — the sends
     * recorded in one statement with their events. Anything but a send (a failure, a retry, a hold) is
     * recorded on its own, as it happens. Never throws.
     */
    void deliverAll(Channel channel, List<UUID> messageIds) {
        deliverAll(channel, messageIds, "bulk");
    }

    private void deliverAll(Channel channel, List<UUID> messageIds, String lane) {
        long at = System.nanoTime();
        List<Messages.Claimed> claimed;
        try {
            // One statement in autocommit: committed when it returns (before any send), one round trip fewer
            // than begin/update/commit.
            claimed = messages.claimAll(messageIds, clock.instant(), properties.get().lease());
        } catch (RuntimeException e) {
            log.warn("claiming {} messages failed; the publish job sends them again: {}", messageIds.size(), e.toString());
            return;
        }
        at = timed(lane, "claim", at);
        if (claimed == null || claimed.isEmpty()) {
            return;
        }
        AtomicInteger busy = active.get(channel);
        busy.addAndGet(claimed.size());
        List<Messages.Sent> sent = new ArrayList<>(claimed.size());
        try {
            List<Ready> checked = prepared(claimed);
            at = timed(lane, "check", at);
            List<Ready> ready = paced(checked);
            at = timed(lane, "pace", at);
            if ("urgent".equals(lane)) {
                for (Ready r : ready) {
                    ProviderHttp.urgent(() -> {
                        attempt(r, sent);
                        return null;
                    });
                }
            } else {
                List<List<Ready>> calls = calls(ready);
                if (calls.size() == 1) {
                    attempt(calls.getFirst(), sent);
                }
                List<Future<?>> running = new ArrayList<>(calls.size());
                for (List<Ready> call : calls.size() == 1 ? List.<List<Ready>>of() : calls) {
                    running.add(calling.submit(() -> attempt(call, sent)));
                }
                for (Future<?> call : running) {
                    try {
                        call.get();
                    } catch (ExecutionException e) {
                        log.warn("a send failed before its outcome was known: {}", e.getCause().toString());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break; // the claimed rows keep their lease; the lease job settles them
                    }
                }
            }
            timed(lane, "send", at);
            recordSent(sent, lane);
        } catch (RuntimeException e) {
            log.warn("dispatch of {} messages failed before their outcome was recorded: {}", claimed.size(), e.toString());
        } finally {
            busy.addAndGet(-claimed.size());
        }
    }

    /** A message's variables as read, and what is wrong with them for its template (null: nothing). */
    private record Checked(Map<String, String> variables, @Nullable String problem) {
    }

    /** A claimed message that passed the checks: what to send and who sends it. */
    private record Ready(Messages.Claimed claimed, Sender sender, Outgoing out) {
    }

    /** The claimed messages that can be sent; the others (template gone or changed, channel unconfigured) are recorded failed here. */
    private List<Ready> prepared(List<Messages.Claimed> claimed) {
        List<Ready> ready = new ArrayList<>(claimed.size());
        // a batch's messages share their variables (and template): read and checked once per lot, not per message
        Map<String, Checked> checked = new HashMap<>();
        for (Messages.Claimed c : claimed) {
            try {
                Ready r = prepare(c, checked);
                if (r != null) {
                    ready.add(r);
                }
            } catch (RuntimeException e) {
                log.warn("dispatch of message {} failed before an outcome was recorded: {}", c.id(), e.toString());
            }
        }
        return ready;
    }

    /**
     * The messages pacing lets go now, checked for the whole lot in one Redis call; a held one goes back to
     * scheduled until its rule's window ends (the attempt given back).
     */
    private List<Ready> paced(List<Ready> ready) {
        if (ready.isEmpty()) {
            return ready;
        }
        List<Optional<SendOutcome.Held>> held = pacing.holdAll(ready.stream().map(r -> new Pacing.Request(r.sender(), r.out())).toList());
        List<Ready> go = new ArrayList<>(ready.size());
        for (int i = 0; i < ready.size(); i++) {
            Ready r = ready.get(i);
            if (held.get(i).isEmpty()) {
                go.add(r);
                continue;
            }
            SendOutcome.Held h = held.get(i).get();
            Instant now = clock.instant();
            try {
                if (Boolean.TRUE.equals(tx.execute(s -> messages.schedule(r.claimed(), "held", "held by " + h.rule(), h.until(), false, now)))) {
                    counted(r.claimed(), "held");
                }
            } catch (RuntimeException e) {
                log.warn("holding message {} failed; its lease settles it: {}", r.claimed().id(), e.toString());
            }
        }
        return go;
    }

    private void recordSent(List<Messages.Sent> sent, @Nullable String lane) {
        if (sent.isEmpty()) {
            return;
        }
        long at = System.nanoTime();
        long[] recorded = {at};
        Instant now = clock.instant();
        Map<UUID, Messages.Sent> byId = new HashMap<>();
        synchronized (sent) {
            sent.forEach(x -> byId.put(x.claimed().id(), x));
        }
        List<UUID> sentIds = new ArrayList<>();
        tx.executeWithoutResult(s -> {
            List<UUID> ids = messages.sentAll(List.copyOf(byId.values()), now);
            sentIds.addAll(ids);
            recorded[0] = System.nanoTime();
            // the lot's events in one statement, as its rows were recorded in one
            events.publishAll(ids.stream().map(id -> {
                Messages.Sent x = byId.get(id);
                Messages.Claimed c = x.claimed();
                return EventPublisher.Publication.of(new MessageSent(c.id(), c.batchId(), c.templateId(), c.channel().wire(), x.provider(),
                        c.attempts(), x.sendMillis(), Duration.between(c.createdAt(), now).toMillis(), now), c.tenantId().toString(),
                        c.id().toString());
            }).toList());
        });
        sentIds.forEach(id -> counted(byId.get(id).claimed(), "sent"));
        if (lane != null) {
            timed(lane, "record", at, recorded[0]);
            timed(lane, "events", recorded[0]);
        }
    }

    /**
     * The provider calls of a bulk lot: the messages a {@link BatchSender} can send together (equal keys, distinct
     * recipients) in calls of up to its limit, in the lot's order; every other message a call of its own.
     */
    private static List<List<Ready>> calls(List<Ready> ready) {
        List<List<Ready>> calls = new ArrayList<>();
        Map<String, List<Call>> open = new HashMap<>();
        for (Ready r : ready) {
            String key = r.sender() instanceof BatchSender b ? b.batchKey(r.out()) : null;
            if (key == null) {
                calls.add(List.of(r));
                continue;
            }
            BatchSender sender = (BatchSender) r.sender();
            String address = sender.address(r.out());
            List<Call> same = open.computeIfAbsent(sender.provider() + "\n" + key, k -> new ArrayList<>());
            Call into = null;
            for (Call c : same) {
                // one number once per call: the provider's answer (and Aliyun's receipts) tell recipients apart by it
                if (c.messages().size() < sender.batchLimit() && !c.addresses().contains(address)) {
                    into = c;
                    break;
                }
            }
            if (into == null) {
                into = new Call(new ArrayList<>(), new java.util.HashSet<>());
                same.add(into);
                calls.add(into.messages());
            }
            into.messages().add(r);
            into.addresses().add(address);
        }
        return calls;
    }

    private record Call(List<Ready> messages, java.util.Set<String> addresses) {
    }

    /**
     * One provider call: a message alone, or several in one batch call. A send is added to {@code sent} to be
     * recorded with the others, anything else (each message's own outcome) is recorded here.
     */
    private void attempt(List<Ready> call, List<Messages.Sent> sent) {
        if (call.size() == 1) {
            attempt(call.getFirst(), sent);
            return;
        }
        BatchSender sender = (BatchSender) call.getFirst().sender();
        long started = System.nanoTime();
        List<SendOutcome> outcomes;
        try {
            outcomes = sender.sendBatch(call.stream().map(Ready::out).toList());
            if (outcomes.size() != call.size()) {
                throw new IllegalStateException(outcomes.size() + " outcomes for " + call.size() + " messages");
            }
        } catch (RuntimeException e) {
            outcomes = java.util.Collections.nCopies(call.size(), new SendOutcome.Retry("sender error: " + e, null));
        }
        int millis = (int) Duration.ofNanos(System.nanoTime() - started).toMillis();
        for (int i = 0; i < call.size(); i++) {
            try {
                settled(call.get(i), outcomes.get(i), millis, sent);
            } catch (RuntimeException e) {
                log.warn("dispatch of message {} failed before an outcome was recorded: {}", call.get(i).claimed().id(), e.toString());
            }
        }
    }

    /** Sends one checked and paced message; a send is added to {@code sent} to be recorded with the others, anything else is recorded here. */
    private void attempt(Ready r, List<Messages.Sent> sent) {
        try {
            long started = System.nanoTime();
            SendOutcome outcome;
            try {
                outcome = r.sender().send(r.out());
            } catch (RuntimeException e) {
                outcome = new SendOutcome.Retry("sender error: " + e, null);
            }
            settled(r, outcome, (int) Duration.ofNanos(System.nanoTime() - started).toMillis(), sent);
        } catch (RuntimeException e) {
            log.warn("dispatch of message {} failed before an outcome was recorded: {}", r.claimed().id(), e.toString());
        }
    }

    /** A send joins {@code sent} (recorded with the lot's others in one statement); any other outcome is recorded now. */
    private void settled(Ready r, SendOutcome outcome, int millis, List<Messages.Sent> sent) {
        Messages.Claimed c = r.claimed();
        if (outcome instanceof SendOutcome.Sent ok) {
            synchronized (sent) {
                sent.add(new Messages.Sent(c, r.sender().provider(), ok.providerMessageId(), ok.response(), millis));
            }
            return;
        }
        record(c, r.sender().provider(), outcome, millis);
    }

    /** Checks one claimed message (template, variables, sender, configuration); null when it cannot be sent, recorded failed. */
    private @Nullable Ready prepare(Messages.Claimed c, Map<String, Checked> checked) {
        Template template = template(c.templateId());
        if (template == null || !template.tenantId().equals(c.tenantId())) {
            fail(c, "-", MessageStatus.FAILED, "template " + c.templateId() + " no longer exists", null);
            return null;
        }
        if (!template.active()) {
            fail(c, "-", MessageStatus.FAILED, "template " + template.name() + " is inactive", null);
            return null;
        }
        Checked vars = checked.computeIfAbsent(template.id() + "\n" + c.variables(), k -> {
            Map<String, String> read = JSON.readValue(c.variables(), new TypeReference<LinkedHashMap<String, String>>() {
            });
            return new Checked(java.util.Collections.unmodifiableMap(read), TemplateText.problem(new java.util.LinkedHashSet<>(template.variables()), read));
        });
        Map<String, String> variables = vars.variables();
        String problem = vars.problem();
        if (problem != null) {
            fail(c, "-", MessageStatus.FAILED, "template changed since the message was accepted: " + problem, null);
            return null;
        }
        Outgoing out = new Outgoing(c.id(), c.tenantId(), template, c.recipient(), variables, c.attempts());
        Sender sender = senders.of(template);
        if (sender == null) {
            fail(c, "-", MessageStatus.FAILED, "no sender for " + template.channel().wire() + "/" + template.kind(), null);
            return null;
        }
        String unconfigured = sender.unconfigured(out);
        if (unconfigured != null) {
            fail(c, sender.provider(), MessageStatus.FAILED, unconfigured, null);
            return null;
        }
        return new Ready(c, sender, out);
    }

    private void record(Messages.Claimed c, String provider, SendOutcome outcome, int millis) {
        Instant now = clock.instant();
        switch (outcome) {
            case SendOutcome.Sent sent -> recordSent(List.of(new Messages.Sent(c, provider, sent.providerMessageId(), sent.response(), millis)), null);
            case SendOutcome.Retry retry -> {
                DispatchProperties p = properties.get();
                if (c.attempts() >= p.maxAttempts()) {
                    fail(c, provider, MessageStatus.DEAD, "retries exhausted after " + c.attempts() + " attempts: " + retry.reason(), null);
                } else {
                    Duration wait = retry.after() != null && retry.after().compareTo(p.backoffMax()) <= 0 ? retry.after()
                            : p.backoffAfter(c.attempts());
                    if (Boolean.TRUE.equals(tx.execute(s -> messages.schedule(c, "retry", "attempt " + c.attempts() + " failed ("
                            + retry.reason() + "), retry", now.plus(wait), true, now)))) {
                        counted(c, "retry");
                    }
                }
            }
            case SendOutcome.Failed failed -> fail(c, provider, MessageStatus.FAILED, failed.reason(), null);
            case SendOutcome.Held held -> {
                if (Boolean.TRUE.equals(tx.execute(s -> messages.schedule(c, "held", "held by " + held.rule(), held.until(), false, now)))) {
                    counted(c, "held");
                }
            }
        }
    }

    private void fail(Messages.Claimed c, String provider, MessageStatus status, String reason, @Nullable String response) {
        Instant now = clock.instant();
        Boolean failed = tx.execute(s -> {
            if (!messages.fail(c, status, reason, response, now)) {
                return false;
            }
            events.publish(new MessageFailed(c.id(), c.batchId(), c.templateId(), c.channel().wire(), provider, status.wire(),
                    Messages.cut(reason, 500), c.attempts(), now), c.tenantId().toString(), c.id().toString());
            return true;
        });
        if (Boolean.TRUE.equals(failed)) {
            counted(c, status.wire());
        }
    }

    /** Pushes by channel and outcome for ops (sent, failed, dead, retry, held), counted once the outcome is committed. */
    private void counted(Messages.Claimed c, String outcome) {
        // looked up once per channel and outcome, not per message (a registry lookup builds an id and its tags)
        outcomes.computeIfAbsent(c.channel().wire() + "/" + outcome,
                k -> meters.counter("kefu.push.messages", "channel", c.channel().wire(), "outcome", outcome)).increment();
    }

    /** Templates change rarely and a batch reads the same one 10,000 times: cached for two seconds. */
    private @Nullable Template template(UUID id) {
        long now = System.nanoTime();
        Cached cached = templateCache.get(id);
        if (cached == null || now - cached.loadedAt() > 2_000_000_000L) {
            cached = new Cached(templates.findById(id), now);
            templateCache.put(id, cached);
            if (templateCache.size() > 10_000) {
                templateCache.clear();
            }
        }
        return cached.template().orElse(null);
    }
}
