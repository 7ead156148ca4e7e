package io.kefu.ticket.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.ticket.client.Clients.CustomerRequest;
import io.kefu.ticket.provider.Caller;
import io.kefu.ticket.provider.Inputs;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Imports a provider's customers from CSV (UTF-8, with or without BOM) or XLSX (first sheet). The
 * first row names the columns with the API's field names (name, contactPerson, phone, email, region,
 * softwareVersion, portCount, purchaseDate, expiryDate, serviceProviderId). Every row is checked
 * like {@code POST /api/customers} and stored in its own transaction: the report says, row by row,
 * what was created and what was refused and why; a refused row stores nothing. {@code dryRun} checks
 * without storing.
 */
@Component
public class ClientImport {

    static final int MAX_ROWS = 5000;
    static final List<String> COLUMNS = List.of("name", "contactPerson", "phone", "email", "region", "softwareVersion", "portCount",
            "purchaseDate", "expiryDate", "serviceProviderId");
    static final ProblemType BAD_FILE = new ProblemType("bad-import-file", HttpStatus.BAD_REQUEST, "The file cannot be imported");

    public record RowResult(int row, String status, @Nullable UUID id, @Nullable String error) {
    }

    public record Report(int total, int created, int failed, boolean dryRun, List<RowResult> rows) {
    }

    private final Clients clients;

    ClientImport(Clients clients) {
        this.clients = clients;
    }

    public Report run(Caller caller, @Nullable String filename, InputStream content, boolean dryRun) {
        caller.requireAdmin();
        String name = filename == null ? "" : filename.toLowerCase(Locale.ROOT);
        List<Map<String, String>> rows;
        try {
            if (name.endsWith(".csv")) {
                rows = csv(content);
            } else if (name.endsWith(".xlsx")) {
                rows = xlsx(content);
            } else {
                throw new KefuProblemException(BAD_FILE, "Send a .csv or .xlsx file");
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof KefuProblemException problem) {
                throw problem;
            }
            throw new KefuProblemException(BAD_FILE, "The file cannot be read as " + (name.endsWith(".csv") ? "CSV" : "XLSX"));
        }
        List<RowResult> results = new ArrayList<>();
        int created = 0;
        for (int i = 0; i < rows.size(); i++) {
            Map<String, String> r = rows.get(i);
            int rowNumber = i + 2; // the header is row 1
            try {
                Integer ports = portCount(r.get("portCount"));
                CustomerRequest request = new CustomerRequest(r.get("name"), r.get("contactPerson"), r.get("phone"), r.get("email"),
                        r.get("region"), r.get("softwareVersion"), ports, r.get("purchaseDate"), r.get("expiryDate"), r.get("serviceProviderId"));
                UUID id = null;
                if (dryRun) {
                    clients.check(caller, request);
                } else {
                    id = clients.create(caller, request).id();
                }
                results.add(new RowResult(rowNumber, dryRun ? "valid" : "created", id, null));
                created++;
            } catch (KefuProblemException e) {
                results.add(new RowResult(rowNumber, "failed", null, e.getMessage()));
            }
        }
        return new Report(rows.size(), created, rows.size() - created, dryRun, results);
    }

    private static @Nullable Integer portCount(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip().replaceAll("\\.0+$", ""));
        } catch (NumberFormatException e) {
            throw Inputs.invalid("portCount", "not a whole number");
        }
    }

    private static List<Map<String, String>> csv(InputStream content) throws IOException {
        Reader reader = new InputStreamReader(content, StandardCharsets.UTF_8);
        List<Map<String, String>> rows = new ArrayList<>();
        var parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true).setTrim(true).get()
                .parse(reader);
        Map<String, Integer> header = new HashMap<>();
        parser.getHeaderMap().forEach((k, v) -> header.put(k.replace("\uFEFF", "").strip(), v));
        requireColumns(header.keySet());
        for (CSVRecord record : parser) {
            if (rows.size() >= MAX_ROWS) {
                throw new KefuProblemException(BAD_FILE, "At most " + MAX_ROWS + " rows per file");
            }
            Map<String, String> row = new HashMap<>();
            header.forEach((column, index) -> {
                if (COLUMNS.contains(column) && index < record.size()) {
                    row.put(column, record.get(index));
                }
            });
            rows.add(row);
        }
        return rows;
    }

    private static List<Map<String, String>> xlsx(InputStream content) throws IOException {
        try (XSSFWorkbook book = new XSSFWorkbook(content)) {
            Sheet sheet = book.getSheetAt(0);
            DataFormatter formatter = new DataFormatter(Locale.ROOT);
            Row first = sheet.getRow(sheet.getFirstRowNum());
            if (first == null) {
                throw new KefuProblemException(BAD_FILE, "The first sheet is empty");
            }
            Map<String, Integer> header = new HashMap<>();
            for (Cell cell : first) {
                header.put(formatter.formatCellValue(cell).strip(), cell.getColumnIndex());
            }
            requireColumns(header.keySet());
            List<Map<String, String>> rows = new ArrayList<>();
            for (int r = first.getRowNum() + 1; r <= sheet.getLastRowNum(); r++) {
                Row row = sheet.getRow(r);
                if (row == null) {
                    continue;
                }
                Map<String, String> values = new HashMap<>();
                boolean any = false;
                for (var column : header.entrySet()) {
                    if (!COLUMNS.contains(column.getKey())) {
                        continue;
                    }
                    Cell cell = row.getCell(column.getValue());
                    String value = cell == null ? null
                            : cell.getCellType() == CellType.NUMERIC && DateUtil.isCellDateFormatted(cell)
                                    ? cell.getLocalDateTimeCellValue().toLocalDate().toString()
                                    : formatter.formatCellValue(cell);
                    any |= value != null && !value.isBlank();
                    values.put(column.getKey(), value);
                }
                if (any) {
                    if (rows.size() >= MAX_ROWS) {
                        throw new KefuProblemException(BAD_FILE, "At most " + MAX_ROWS + " rows per file");
                    }
                    rows.add(values);
                }
            }
            return rows;
        }
    }

    private static void requireColumns(java.util.Set<String> header) {
        List<String> missing = List.of("name", "purchaseDate", "expiryDate", "serviceProviderId").stream().filter(c -> !header.contains(c))
                .toList();
        if (!missing.isEmpty()) {
            throw new KefuProblemException(BAD_FILE, "The first row must name the columns; missing: " + String.join(", ", missing));
        }
    }
}
