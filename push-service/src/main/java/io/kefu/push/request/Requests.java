package io.kefu.push.request;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.event.EventPublisher;
import io.kefu.push.dispatch.DispatchQueues;
import io.kefu.push.dispatch.Messages;
import io.kefu.push.events.BatchAccepted;
import io.kefu.push.request.Batches.Rejection;
import io.kefu.push.sender.RecipientRules;
import io.kefu.push.sender.Senders;
import io.kefu.push.template.Template;
import io.kefu.push.template.TemplateRules;
import io.kefu.push.template.TemplateText;
import io.kefu.push.template.Templates;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Accepting send requests: everything is checked before anything is stored (template, variables,
 * recipients, sizes), a batch's good recipients are stored in one statement with the batch row, and
 * only after the commit are they published to the dispatch queues — in the background, so the caller
 * has its 202 at once. A request is all or nothing: a refused one stores nothing, half a batch is never queued.
 */
@Component
class Requests {

    static final int MAX_RECIPIENTS = 10_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");

    private final Templates templates;
    private final Messages messages;
    private final Batches batches;
    private final DispatchQueues queues;
    private final Senders senders;
    private final EventPublisher events;
    private final TransactionTemplate tx;
    private final Clock clock;

    Requests(Templates templates, Messages messages, Batches batches, DispatchQueues queues, Senders senders, EventPublisher events,
            TransactionTemplate tx, Clock clock) {
        this.templates = templates;
        this.messages = messages;
        this.batches = batches;
        this.queues = queues;
        this.senders = senders;
        this.events = events;
        this.tx = tx;
        this.clock = clock;
    }

    record Accepted(UUID messageId, String status, boolean duplicate) {
    }

    record BatchReport(UUID batchId, int total, int accepted, int rejected, List<Rejection> rejections, boolean duplicate) {
    }

    Accepted send(UUID tenantId, @Nullable UUID templateId, @Nullable String recipient, @Nullable JsonNode variables, @Nullable Integer priority,
            @Nullable String idempotencyKey) {
        String key = key(idempotencyKey);
        if (key != null) {
            var existing = messages.byIdempotencyKey(tenantId, key);
            if (existing.isPresent()) {
                return new Accepted(existing.get(), "queued", true);
            }
        }
        Template template = template(tenantId, templateId);
        int prio = priority(priority);
        String[] problem = new String[1];
        Map<String, String> values = Variables.read(variables, problem);
        if (values == null) {
            throw invalid("variables", problem[0]);
        }
        String why = check(template, recipient, values);
        if (why != null) {
            throw invalid(why.startsWith("recipient") ? "recipient" : "variables", why);
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        // One statement: in autocommit (committed when it returns, one round trip fewer than begin/insert/commit), or
        // part of the caller's transaction when there is one (chat's fallback, from an event handler).
        int stored = messages.insert(tenantId, null, template.id(), template.channel(), prio, key,
                List.of(new Messages.NewMessage(id, recipient, null)), JSON.writeValueAsString(values), now);
        if (stored == 0) { // the same key won a race
            return new Accepted(messages.byIdempotencyKey(tenantId, key).orElse(id), "queued", true);
        }
        queues.publishLater(List.of(new Messages.Queued(id, template.channel(), prio)));
        return new Accepted(id, "queued", false);
    }

    BatchReport sendBatch(UUID tenantId, @Nullable UUID createdBy, @Nullable UUID templateId, @Nullable JsonNode recipients,
            @Nullable JsonNode variables, @Nullable Integer priority, @Nullable String idempotencyKey) {
        if (recipients == null || !recipients.isArray() || recipients.isEmpty()) {
            throw invalid("recipients", "recipients is a non-empty array");
        }
        if (recipients.size() > MAX_RECIPIENTS) {
            throw invalid("recipients", "a batch has at most " + MAX_RECIPIENTS + " recipients, not " + recipients.size());
        }
        String key = key(idempotencyKey);
        if (key != null) {
            var existing = batches.byIdempotencyKey(tenantId, key);
            if (existing.isPresent()) {
                return report(existing.get(), true);
            }
        }
        Template template = template(tenantId, templateId);
        int prio = priority(priority);
        String[] problem = new String[1];
        Map<String, String> shared = Variables.read(variables, problem);
        if (shared == null) {
            throw invalid("variables", problem[0]);
        }
        Set<String> declared = new LinkedHashSet<>(template.variables());
        Set<String> undeclared = new java.util.TreeSet<>(shared.keySet());
        undeclared.removeAll(declared);
        if (!undeclared.isEmpty()) {
            throw invalid("variables", "variables not declared by the template " + undeclared);
        }
        List<Messages.NewMessage> rows = new ArrayList<>(recipients.size());
        List<Rejection> rejections = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        boolean anyOwnVariables = false;
        // Most batches share one set of variables: checked, rendered and serialised once, not 10,000 times.
        String sharedProblem = content(template, shared);
        String sharedJson = JSON.writeValueAsString(shared);
        for (int i = 0; i < recipients.size(); i++) {
            JsonNode item = recipients.get(i);
            String to;
            if (item.isString()) {
                to = item.asString();
                String why = RecipientRules.problem(template.channel(), template.kind(), to, senders.allowPrivateUrls());
                why = why != null ? "recipient: " + why : sharedProblem;
                if (why == null && !seen.add(to)) {
                    why = "duplicate recipient in this batch";
                }
                if (why != null) {
                    rejections.add(new Rejection(i, shown(to), why));
                    continue;
                }
                rows.add(new Messages.NewMessage(UUID.randomUUID(), to, null));
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>(shared);
            if (item.isObject() && item.path("recipient").isString()) {
                to = item.get("recipient").asString();
                Map<String, String> own = Variables.read(item.get("variables"), problem);
                if (own == null) {
                    rejections.add(new Rejection(i, shown(to), problem[0]));
                    continue;
                }
                anyOwnVariables |= !own.isEmpty();
                values.putAll(own);
            } else {
                rejections.add(new Rejection(i, "", "a recipient is a string or {\"recipient\": …, \"variables\": {…}}"));
                continue;
            }
            String why = check(template, to, values);
            if (why == null && !seen.add(to)) {
                why = "duplicate recipient in this batch";
            }
            if (why != null) {
                rejections.add(new Rejection(i, shown(to), why));
                continue;
            }
            rows.add(new Messages.NewMessage(UUID.randomUUID(), to, JSON.writeValueAsString(values)));
        }
        if (!anyOwnVariables) {
            Set<String> missing = new java.util.TreeSet<>(declared);
            missing.removeAll(shared.keySet());
            if (!missing.isEmpty()) {
                throw invalid("variables", "missing variables " + missing);
            }
        }
        if (rows.isEmpty()) {
            throw new KefuProblemException(ProblemType.VALIDATION, "no recipient of the batch can be sent to; nothing was queued",
                    Map.of("field", "recipients", "rejections", rejections.subList(0, Math.min(100, rejections.size()))));
        }
        UUID batchId = UUID.randomUUID();
        Instant now = clock.instant();
        Boolean stored = tx.execute(s -> {
            if (!batches.insert(batchId, tenantId, template.id(), prio, recipients.size(), rows.size(), rejections, key, createdBy, now)) {
                s.setRollbackOnly();
                return false;
            }
            messages.insert(tenantId, batchId, template.id(), template.channel(), prio, null, rows, sharedJson, now);
            events.publish(new BatchAccepted(batchId, template.id(), template.channel().wire(), prio, rows.size(), rejections.size(), now),
                    tenantId.toString(), batchId.toString());
            return true;
        });
        if (!Boolean.TRUE.equals(stored)) { // the same key won a race
            return report(batches.byIdempotencyKey(tenantId, key).orElseThrow(), true);
        }
        queues.publishLater(rows.stream().map(r -> new Messages.Queued(r.id(), template.channel(), prio)).toList());
        return new BatchReport(batchId, recipients.size(), rows.size(), rejections.size(), rejections, false);
    }

    /** Null when the message can be accepted; otherwise why not ("recipient …" or a variables problem). */
    private @Nullable String check(Template template, @Nullable String recipient, Map<String, String> values) {
        String bad = RecipientRules.problem(template.channel(), template.kind(), recipient, senders.allowPrivateUrls());
        if (bad != null) {
            return "recipient: " + bad;
        }
        return content(template, values);
    }

    /** Null when {@code values} fit the template (exactly its variables, rendered size within the channel's limit); otherwise why not. */
    private static @Nullable String content(Template template, Map<String, String> values) {
        String problem = TemplateText.problem(new LinkedHashSet<>(template.variables()), values);
        if (problem != null) {
            return problem;
        }
        int rendered = TemplateText.render(template.content(), values).length();
        int max = TemplateRules.maxContent(template.channel());
        if (rendered > max) {
            return "content is " + rendered + " characters once rendered; at most " + max + " on " + template.channel().wire();
        }
        return null;
    }

    private Template template(UUID tenantId, @Nullable UUID templateId) {
        if (templateId == null) {
            throw invalid("template_id", "template_id is required");
        }
        Template template = templates.findByIdAndTenantId(templateId, tenantId)
                .orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No template " + templateId, Map.of("field", "template_id")));
        if (!template.active()) {
            throw new KefuProblemException(ProblemType.CONFLICT, "Template " + template.name() + " is inactive", Map.of("field", "template_id"));
        }
        return template;
    }

    private static int priority(@Nullable Integer priority) {
        if (priority == null) {
            return 5;
        }
        if (priority < 0 || priority > 10) {
            throw invalid("priority", "priority is 0-10, not " + priority);
        }
        return priority;
    }

    private static @Nullable String key(@Nullable String idempotencyKey) {
        if (idempotencyKey == null) {
            return null;
        }
        if (!KEY.matcher(idempotencyKey).matches()) {
            throw invalid("Idempotency-Key", "Idempotency-Key is 1-200 visible ASCII characters");
        }
        return idempotencyKey;
    }

    private static String shown(@Nullable String recipient) {
        if (recipient == null) {
            return "";
        }
        String clean = recipient.replace('\0', ' ');
        return clean.length() > 100 ? clean.substring(0, 100) + "…" : clean;
    }

    BatchReport report(Batches.Batch batch, boolean duplicate) {
        List<Rejection> rejections = List.of(JSON.readValue(batch.rejectionsJson(), Rejection[].class));
        return new BatchReport(batch.id(), batch.total(), batch.accepted(), batch.rejected(), rejections, duplicate);
    }

    static KefuProblemException invalid(String field, String detail) {
        return new KefuProblemException(ProblemType.VALIDATION, detail, Map.of("field", field));
    }
}
