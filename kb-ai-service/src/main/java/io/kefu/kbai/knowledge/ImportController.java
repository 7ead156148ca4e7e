package io.kefu.kbai.knowledge;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Bulk JSON import, CSV/XLSX import and export of a tenant's items (supervisors and admins). */
@RestController
@Tag(name = "Knowledge import and export")
class ImportController {

    private final ItemImport importer;
    private final KnowledgeItems items;

    ImportController(ItemImport importer, KnowledgeItems items) {
        this.importer = importer;
        this.items = items;
    }

    record BulkItem(@Nullable String question, @Nullable List<String> similarQuestions, @Nullable String answer,
            @Nullable String category, @Nullable List<String> keywords, @Nullable Boolean enabled) {
    }

    @PostMapping("/api/kb/items/bulk")
    @Operation(summary = "Create or update up to 10,000 items (same question = update); a report per row")
    ImportReport bulk(@RequestBody @Nullable List<@Nullable BulkItem> body) {
        KefuPrincipal me = Staff.manager();
        if (body == null || body.isEmpty()) {
            throw new KefuProblemException(ProblemType.VALIDATION, "an array of at least one item is required");
        }
        if (body.size() > ItemImport.MAX_ROWS) {
            throw new KefuProblemException(Spreadsheets.TOO_MANY_ROWS, "At most " + ItemImport.MAX_ROWS + " items per call");
        }
        List<ItemImport.SourceRow> rows = new ArrayList<>(body.size());
        for (int i = 0; i < body.size(); i++) {
            BulkItem b = body.get(i);
            rows.add(b == null ? new ItemImport.SourceRow(i + 1, null, "null item")
                    : new ItemImport.SourceRow(i + 1, ItemDraft.of(b.question(), b.similarQuestions(), b.answer(), b.category(), b.keywords(),
                            null, null, b.enabled()), null));
        }
        return importer.run(me.tenantId(), rows, me.userId());
    }

    @PostMapping(path = "/api/kb/items/import", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "Import a CSV (UTF-8, UTF-8 with BOM or GBK) or XLSX file (≤ 5 MB, ≤ 10,000 rows); a report per row")
    ImportReport importFile(@RequestParam("file") MultipartFile file) throws IOException {
        KefuPrincipal me = Staff.manager();
        if (file.getSize() > Spreadsheets.MAX_BYTES) {
            throw new KefuProblemException(ProblemType.TOO_LARGE, "The file is larger than 5 MB");
        }
        return importer.run(me.tenantId(), Spreadsheets.read(file.getBytes()), me.userId());
    }

    @GetMapping("/api/kb/items/export")
    @Operation(summary = "Export every item of the tenant as CSV (UTF-8 with BOM) or XLSX")
    ResponseEntity<byte[]> export(@RequestParam(defaultValue = "csv") String format) {
        KefuPrincipal me = Staff.manager();
        UUID tenant = me.tenantId();
        byte[] body;
        MediaType type;
        switch (format) {
            case "csv" -> {
                body = Spreadsheets.csv(sink -> items.forEachOfTenant(tenant, sink));
                type = new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8);
            }
            case "xlsx" -> {
                body = Spreadsheets.xlsx(sink -> items.forEachOfTenant(tenant, sink));
                type = MediaType.parseMediaType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
            }
            default -> throw new KefuProblemException(ProblemType.VALIDATION, "format must be csv or xlsx");
        }
        return ResponseEntity.ok().contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename("knowledge." + format).build().toString())
                .body(body);
    }
}
