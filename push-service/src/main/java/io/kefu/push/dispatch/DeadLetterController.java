package io.kefu.push.dispatch;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dead-letter list: messages whose retries ran out ({@code dead}), plus, on request, those refused
 * ({@code failed}) or of unknown outcome ({@code unknown}); an admin re-drives one, which queues it
 * again with fresh attempts.
 */
@RestController
@RequestMapping("/api/push/dead-letters")
@Tag(name = "dead letters")
class DeadLetterController {

    private final JdbcClient jdbc;
    private final Messages messages;
    private final DispatchQueues queues;
    private final TransactionTemplate tx;
    private final Clock clock;

    DeadLetterController(JdbcClient jdbc, Messages messages, DispatchQueues queues, TransactionTemplate tx, Clock clock) {
        this.jdbc = jdbc;
        this.messages = messages;
        this.queues = queues;
        this.tx = tx;
        this.clock = clock;
    }

    record DeadLetter(UUID messageId, @Nullable UUID batchId, UUID templateId, String channel, String recipient, String status, int attempts,
            @Nullable String failureReason, Instant queuedAt, Instant updatedAt) {
    }

    record PageView(List<DeadLetter> items, int page, int pageSize, long total) {
    }

    @Operation(summary = "Dead letters (status dead by default; failed or unknown on request), newest first (tenant admin)")
    @GetMapping
    PageView list(@RequestParam(defaultValue = "dead") String status, @RequestParam(defaultValue = "1") int page,
            @RequestParam(defaultValue = "20") int pageSize) {
        KefuPrincipal me = admin();
        if (!List.of("dead", "failed", "unknown").contains(status)) {
            throw new KefuProblemException(ProblemType.VALIDATION, "status is dead, failed or unknown");
        }
        if (page < 1 || page > 100_000 || pageSize < 1 || pageSize > 100) {
            throw new KefuProblemException(ProblemType.VALIDATION, "page is from 1, pageSize 1-100");
        }
        List<DeadLetter> items = jdbc.sql("""
                select id, batch_id, template_id, channel, recipient, status, attempts, failure_reason, created_at, updated_at
                from message where tenant_id = ? and status = ? order by updated_at desc, id limit ? offset ?""")
                .params(me.tenantId(), status, pageSize, (long) (page - 1) * pageSize)
                .query((rs, i) -> new DeadLetter(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                        rs.getString(4).toLowerCase(java.util.Locale.ROOT), rs.getString(5), rs.getString(6), rs.getInt(7), rs.getString(8),
                        rs.getTimestamp(9).toInstant(), rs.getTimestamp(10).toInstant()))
                .list();
        long total = jdbc.sql("select count(*) from message where tenant_id = ? and status = ?").params(me.tenantId(), status)
                .query(Long.class).single();
        return new PageView(items, page, pageSize, total);
    }

    @Operation(summary = "Re-drive a dead, failed or unknown message: queued again with fresh attempts (tenant admin)")
    @PostMapping("/{id}/redrive")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Messages.Queued redrive(@PathVariable UUID id) {
        KefuPrincipal me = admin();
        Instant now = clock.instant();
        Messages.Queued queued = tx.execute(s -> messages.redrive(me.tenantId(), id, now)).orElseThrow(() -> {
            boolean exists = jdbc.sql("select count(*) from message where tenant_id = ? and id = ?").params(me.tenantId(), id)
                    .query(Long.class).single() > 0;
            return exists ? new KefuProblemException(ProblemType.CONFLICT, "Message " + id + " is not dead, failed or unknown")
                    : new KefuProblemException(ProblemType.NOT_FOUND, "No message " + id);
        });
        queues.publish(List.of(queued));
        return queued;
    }

    private static KefuPrincipal admin() {
        KefuPrincipal me = KefuPrincipal.require();
        if (!me.hasRole("admin") || me.tenantId() == null) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Admins of a tenant only");
        }
        return me;
    }
}
