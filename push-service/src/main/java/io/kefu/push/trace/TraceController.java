package io.kefu.push.trace;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A message's trace (queued → processed → sent → callback, with holds and retries), and traces by batch or recipient. */
@RestController
@RequestMapping("/api/messages/traces")
@Tag(name = "traces")
class TraceController {

    private static final Set<String> STATUSES = Set.of("queued", "scheduled", "sending", "sent", "delivered", "failed", "dead", "unknown");
    private final Traces traces;

    TraceController(Traces traces) {
        this.traces = traces;
    }

    record PageView(List<Traces.Trace> items, int page, int pageSize, long total) {
    }

    @Operation(summary = "One message's trace: steps with times, provider answer, failure reason (tenant admin)")
    @GetMapping("/{id}")
    Traces.Trace trace(@PathVariable UUID id) {
        KefuPrincipal me = admin();
        return traces.find(me.tenantId(), id).orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No message " + id));
    }

    @Operation(summary = "Traces by batch, recipient and/or status, newest first (tenant admin); kept 7 days")
    @GetMapping
    PageView search(@RequestParam(required = false) @Nullable UUID batchId, @RequestParam(required = false) @Nullable String recipient,
            @RequestParam(required = false) @Nullable String status, @RequestParam(defaultValue = "1") int page,
            @RequestParam(defaultValue = "20") int pageSize) {
        KefuPrincipal me = admin();
        if (page < 1 || page > 100_000 || pageSize < 1 || pageSize > 100) {
            throw new KefuProblemException(ProblemType.VALIDATION, "page is from 1, pageSize 1-100");
        }
        if (recipient != null && (recipient.length() > 1000 || recipient.indexOf('\0') >= 0)) {
            throw new KefuProblemException(ProblemType.VALIDATION, "recipient is at most 1000 characters");
        }
        if (status != null && !STATUSES.contains(status)) {
            throw new KefuProblemException(ProblemType.VALIDATION, "status is one of " + STATUSES);
        }
        return new PageView(traces.search(me.tenantId(), batchId, recipient, status, page, pageSize), page, pageSize,
                traces.count(me.tenantId(), batchId, recipient, status));
    }

    static KefuPrincipal admin() {
        KefuPrincipal me = KefuPrincipal.require();
        if (!me.hasRole("admin") || me.tenantId() == null) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Admins of a tenant only");
        }
        return me;
    }
}
