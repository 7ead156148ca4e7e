package io.kefu.push.request;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.push.dispatch.MessageStatus;
import io.kefu.push.dispatch.Messages;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A batch's progress, readable while it runs. */
@RestController
@RequestMapping("/api/push/batches")
@Tag(name = "batches")
class BatchController {

    private final Batches batches;
    private final Messages messages;
    private final Requests requests;

    BatchController(Batches batches, Messages messages, Requests requests) {
        this.batches = batches;
        this.messages = messages;
        this.requests = requests;
    }

    /**
     * {@code queued}: accepted into the queue (all of them); {@code pending}: not yet finished (waiting,
     * held, retrying or being sent); {@code sent}: accepted by the provider (including delivered);
     * {@code failed}: failed, dead-lettered or unknown. Details per status in {@code byStatus}.
     */
    record Progress(UUID batchId, UUID templateId, int priority, int total, int accepted, int rejected, long queued, long pending, long sent,
            long delivered, long failed, boolean done, Map<String, Long> byStatus, List<Batches.Rejection> rejections, Instant createdAt) {
    }

    record Summary(UUID batchId, UUID templateId, int priority, int total, int accepted, int rejected, Instant createdAt) {
    }

    record PageView(List<Summary> items, int page, int pageSize, long total) {
    }

    @Operation(summary = "A batch's progress: queued, sent, failed, pending (tenant admin)")
    @GetMapping("/{id}")
    Progress progress(@PathVariable UUID id) {
        KefuPrincipal me = SendController.admin();
        Batches.Batch batch = batches.find(me.tenantId(), id).orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No batch " + id));
        Map<MessageStatus, Long> counts = messages.countsByBatch(id);
        long sent = counts.getOrDefault(MessageStatus.SENT, 0L) + counts.getOrDefault(MessageStatus.DELIVERED, 0L);
        long failed = counts.getOrDefault(MessageStatus.FAILED, 0L) + counts.getOrDefault(MessageStatus.DEAD, 0L)
                + counts.getOrDefault(MessageStatus.UNKNOWN, 0L);
        long pending = counts.entrySet().stream().filter(e -> !e.getKey().terminal()).mapToLong(Map.Entry::getValue).sum();
        Map<String, Long> byStatus = new java.util.TreeMap<>();
        counts.forEach((status, n) -> byStatus.put(status.wire(), n));
        List<Batches.Rejection> rejections = requests.report(batch, false).rejections();
        return new Progress(id, batch.templateId(), batch.priority(), batch.total(), batch.accepted(), batch.rejected(), batch.accepted(), pending,
                sent, counts.getOrDefault(MessageStatus.DELIVERED, 0L), failed, pending == 0, byStatus,
                rejections.subList(0, Math.min(1000, rejections.size())), batch.createdAt());
    }

    @Operation(summary = "My tenant's batches, newest first (tenant admin)")
    @GetMapping
    PageView list(@RequestParam(defaultValue = "1") int page, @RequestParam(defaultValue = "20") int pageSize) {
        KefuPrincipal me = SendController.admin();
        if (page < 1 || page > 100_000 || pageSize < 1 || pageSize > 100) {
            throw new KefuProblemException(ProblemType.VALIDATION, "page is from 1, pageSize 1-100");
        }
        List<Summary> items = batches.page(me.tenantId(), page, pageSize).stream()
                .map(b -> new Summary(b.id(), b.templateId(), b.priority(), b.total(), b.accepted(), b.rejected(), b.createdAt())).toList();
        return new PageView(items, page, pageSize, batches.count(me.tenantId()));
    }
}
