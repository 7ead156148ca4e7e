package io.kefu.kbai.knowledge;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/kb/items}: a tenant's knowledge items. Agents read; supervisors and admins write. */
@RestController
@RequestMapping("/api/kb/items")
@Tag(name = "Knowledge items")
class KnowledgeController {

    static final int MAX_PAGE_SIZE = 200;

    private final KnowledgeService service;

    KnowledgeController(KnowledgeService service) {
        this.service = service;
    }

    /** An item as written: validity times ISO-8601 with an offset. */
    record ItemRequest(@Nullable String question, @Nullable List<String> similarQuestions, @Nullable String answer,
            @Nullable String category, @Nullable List<String> keywords, @Nullable OffsetDateTime validFrom,
            @Nullable OffsetDateTime validUntil, @Nullable Boolean enabled, @Nullable Integer version) {

        ItemDraft draft() {
            return ItemDraft.of(question, similarQuestions, answer, category, keywords,
                    validFrom == null ? null : validFrom.toInstant(), validUntil == null ? null : validUntil.toInstant(), enabled);
        }
    }

    record ItemView(UUID id, String question, List<String> similarQuestions, String answer, @Nullable String category,
            List<String> keywords, @Nullable OffsetDateTime validFrom, @Nullable OffsetDateTime validUntil, boolean enabled, int version,
            @Nullable UUID createdBy, OffsetDateTime createdAt, @Nullable UUID updatedBy, OffsetDateTime updatedAt) {

        static ItemView of(KnowledgeItem i) {
            return new ItemView(i.id(), i.question(), i.similarQuestions(), i.answer(), i.category(), i.keywords(), time(i.validFrom()),
                    time(i.validUntil()), i.enabled(), i.version(), i.createdBy(), time(i.createdAt()), i.updatedBy(), time(i.updatedAt()));
        }

        private static @Nullable OffsetDateTime time(java.time.@Nullable Instant t) {
            return t == null ? null : t.atOffset(ZoneOffset.UTC);
        }
    }

    record ItemPage(List<ItemView> items, int page, int pageSize, long total) {
    }

    @GetMapping
    @Operation(summary = "List or search the tenant's items (text matches question, phrasings, answer, keywords)")
    ItemPage list(@RequestParam(required = false) @Nullable String q, @RequestParam(required = false) @Nullable String category,
            @RequestParam(required = false) @Nullable Boolean enabled, @RequestParam(defaultValue = "1") int page,
            @RequestParam(defaultValue = "20") int pageSize) {
        KefuPrincipal me = Staff.reader();
        if (page < 1 || page > 100_000 || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new KefuProblemException(ProblemType.VALIDATION, "page must be >= 1 and pageSize between 1 and " + MAX_PAGE_SIZE);
        }
        String text = q == null || q.isBlank() ? null : q.strip();
        if ((text != null && (text.length() > 200 || text.indexOf('\0') >= 0)) || (category != null && category.indexOf('\0') >= 0)) {
            throw new KefuProblemException(ProblemType.VALIDATION, "q must be at most 200 characters without NUL");
        }
        var result = service.page(me.tenantId(), text, category, enabled, page, pageSize);
        return new ItemPage(result.items().stream().map(ItemView::of).toList(), page, pageSize, result.total());
    }

    @GetMapping("/{id}")
    @Operation(summary = "Read an item")
    ItemView get(@PathVariable UUID id) {
        KefuPrincipal me = Staff.reader();
        return ItemView.of(service.get(me.tenantId(), id));
    }

    @PostMapping
    @Operation(summary = "Create an item (409 when its question exists)")
    ResponseEntity<ItemView> create(@RequestBody ItemRequest request) {
        KefuPrincipal me = Staff.manager();
        KnowledgeItem item = service.create(me.tenantId(), request.draft(), me.userId());
        return ResponseEntity.status(HttpStatus.CREATED).body(ItemView.of(item));
    }

    @PutMapping("/{id}")
    @Operation(summary = "Replace an item's content; send the version read to refuse a lost update (409)")
    ItemView update(@PathVariable UUID id, @RequestBody ItemRequest request) {
        KefuPrincipal me = Staff.manager();
        return ItemView.of(service.update(me.tenantId(), id, request.draft(), request.version(), me.userId()));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete an item: it stops answering at once, on every instance within a second")
    void delete(@PathVariable UUID id) {
        KefuPrincipal me = Staff.manager();
        service.delete(me.tenantId(), id);
    }
}
