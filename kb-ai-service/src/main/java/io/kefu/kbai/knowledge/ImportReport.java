package io.kefu.kbai.knowledge;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** What an import did, row by row: created, updated or rejected (with the reason). Rows count from 1 (files: the line after the header is row 1). */
public record ImportReport(int created, int updated, int rejected, List<Row> rows) {

    public enum Status { created, updated, rejected }

    public record Row(int row, Status status, @Nullable UUID itemId, @Nullable String question, @Nullable String reason) {
    }
}
