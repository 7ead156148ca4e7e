package io.kefu.kbai.knowledge;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.apache.poi.openxml4j.util.ZipSecureFile;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * CSV and XLSX in and out. Columns (header row, Chinese or English names, any order): question/问题,
 * answer/答案, similarQuestions/相似问题/其他问法 (one per line), category/分类, keywords/关键词 (one per
 * line or separated by , ， 、 ;).
 *
 * <p>Reading: a file is XLSX when it is a zip (PK…), else CSV when its bytes are UTF-8 (with or
 * without BOM) or GBK/GB18030 text; anything else (images, PDF, binaries) is refused. Formulas are
 * read as their text ("=A1+1"), never evaluated. XLSX is opened with POI's zip-bomb guards (inflate
 * ratio, entry size) and at most {@link ItemImport#MAX_ROWS} rows are read.
 * Writing: CSV as UTF-8 with BOM (what Excel opens correctly); a cell starting with = + - @ is
 * written with a leading apostrophe so that a spreadsheet never runs it as a formula.
 */
public final class Spreadsheets {

    public static final long MAX_BYTES = 5L * 1024 * 1024;
    static final ProblemType UNSUPPORTED_FILE = new ProblemType("unsupported-file", HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            "Not a CSV or XLSX file");
    static final ProblemType UNREADABLE_FILE = new ProblemType("unreadable-file", HttpStatus.BAD_REQUEST, "File cannot be read");
    static final ProblemType TOO_MANY_ROWS = new ProblemType("too-many-rows", HttpStatus.BAD_REQUEST, "Too many rows");

    static final List<String> HEADER = List.of("question", "answer", "similarQuestions", "category", "keywords");
    private static final Map<String, String> NAMES = names();

    static {
        // Refuse entries that inflate more than 100 times (zip bombs) and single entries over 100 MB.
        ZipSecureFile.setMinInflateRatio(0.01);
        ZipSecureFile.setMaxEntrySize(100L * 1024 * 1024);
    }

    private Spreadsheets() {
    }

    public static List<ItemImport.SourceRow> read(byte[] bytes) {
        if (bytes.length == 0) {
            throw new KefuProblemException(ProblemType.VALIDATION, "The file is empty");
        }
        if (bytes.length > MAX_BYTES) {
            throw new KefuProblemException(ProblemType.TOO_LARGE, "The file is larger than " + MAX_BYTES / 1024 / 1024 + " MB");
        }
        if (bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4) {
            return readXlsx(bytes);
        }
        String text = decode(bytes);
        return readCsv(text);
    }

    /** UTF-8 (BOM stripped) when the bytes are valid UTF-8, else GB18030 (a superset of GBK); binary refused. */
    static String decode(byte[] bytes) {
        int offset = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        for (Charset charset : List.of(StandardCharsets.UTF_8, Charset.forName("GB18030"))) {
            try {
                String text = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset)).toString();
                if (looksLikeText(text)) {
                    return text;
                }
                break;
            } catch (CharacterCodingException e) {
                // try the next
            }
        }
        throw new KefuProblemException(UNSUPPORTED_FILE, "The file is neither CSV (UTF-8 or GBK text) nor XLSX");
    }

    private static boolean looksLikeText(String text) {
        int control = 0;
        int n = Math.min(text.length(), 8192);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
                control++;
            }
        }
        return control == 0;
    }

    static List<ItemImport.SourceRow> readCsv(String text) {
        List<List<String>> records = new ArrayList<>();
        List<ItemImport.SourceRow> broken = new ArrayList<>();
        try {
            Iterator<CSVRecord> it = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).get().parse(new StringReader(text)).iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    CSVRecord record = it.next();
                    records.add(record.toList());
                    if (records.size() > ItemImport.MAX_ROWS + 1) {
                        throw new KefuProblemException(TOO_MANY_ROWS, "At most " + ItemImport.MAX_ROWS + " rows per file");
                    }
                } catch (UncheckedIOException | IllegalStateException e) {
                    // A broken quote: the rest of the file cannot be split into rows safely.
                    broken.add(new ItemImport.SourceRow(Math.max(1, records.size()), null,
                            "the file cannot be read from here on (unbalanced quotes?): " + rootMessage(e)));
                    break;
                }
            }
        } catch (IOException e) {
            throw new KefuProblemException(UNREADABLE_FILE, "The CSV cannot be read: " + e.getMessage());
        }
        List<ItemImport.SourceRow> rows = rows(records);
        List<ItemImport.SourceRow> all = new ArrayList<>(rows);
        all.addAll(broken);
        return all;
    }

    static List<ItemImport.SourceRow> readXlsx(byte[] bytes) {
        List<List<String>> records = new ArrayList<>();
        try (InputStream in = new ByteArrayInputStream(bytes); Workbook workbook = new XSSFWorkbook(in)) {
            Sheet sheet = workbook.getSheetAt(0);
            if (sheet.getLastRowNum() > ItemImport.MAX_ROWS + 1) {
                throw new KefuProblemException(TOO_MANY_ROWS, "At most " + ItemImport.MAX_ROWS + " rows per file");
            }
            DataFormatter formatter = new DataFormatter(Locale.ROOT);
            for (int r = sheet.getFirstRowNum(); r <= sheet.getLastRowNum(); r++) {
                Row row = sheet.getRow(r);
                List<String> cells = new ArrayList<>();
                if (row != null) {
                    for (int c = 0; c < Math.max(0, row.getLastCellNum()); c++) {
                        cells.add(text(row.getCell(c), formatter));
                    }
                }
                records.add(cells);
            }
        } catch (KefuProblemException e) {
            throw e;
        } catch (Exception e) {
            // POI refuses zip bombs ("Zip bomb detected!"), non-workbooks and broken zips with exceptions.
            throw new KefuProblemException(UNREADABLE_FILE, "The XLSX cannot be read: " + rootMessage(e));
        }
        return rows(records);
    }

    private static String text(@Nullable Cell cell, DataFormatter formatter) {
        if (cell == null) {
            return "";
        }
        if (cell.getCellType() == CellType.FORMULA) {
            return "=" + cell.getCellFormula();
        }
        return formatter.formatCellValue(cell);
    }

    private static List<ItemImport.SourceRow> rows(List<List<String>> records) {
        // Skip leading empty rows; the first non-empty row is the header.
        int h = 0;
        while (h < records.size() && records.get(h).stream().allMatch(String::isBlank)) {
            h++;
        }
        if (h == records.size()) {
            throw new KefuProblemException(ProblemType.VALIDATION, "The file has no header row");
        }
        Map<String, Integer> columns = new HashMap<>();
        List<String> header = records.get(h);
        for (int i = 0; i < header.size(); i++) {
            String name = NAMES.get(normaliseName(header.get(i)));
            if (name != null) {
                columns.putIfAbsent(name, i);
            }
        }
        if (!columns.containsKey("question") || !columns.containsKey("answer")) {
            throw new KefuProblemException(ProblemType.VALIDATION,
                    "The header row needs at least the columns question (问题) and answer (答案); found " + header);
        }
        List<ItemImport.SourceRow> out = new ArrayList<>();
        for (int r = h + 1; r < records.size(); r++) {
            List<String> cells = records.get(r);
            int rowNumber = r - h;
            if (cells.stream().allMatch(String::isBlank)) {
                continue;
            }
            if (cells.size() > header.size() + 5) {
                out.add(new ItemImport.SourceRow(rowNumber, null, "the row has " + cells.size() + " cells, the header " + header.size()));
                continue;
            }
            out.add(new ItemImport.SourceRow(rowNumber, ItemDraft.of(cell(cells, columns, "question"),
                    lines(cell(cells, columns, "similarQuestions"), "[\\r\\n]+"), cell(cells, columns, "answer"), cell(cells, columns, "category"),
                    lines(cell(cells, columns, "keywords"), "[\\r\\n,，、;；]+"), null, null, true), null));
        }
        return out;
    }

    private static @Nullable String cell(List<String> cells, Map<String, Integer> columns, String name) {
        Integer i = columns.get(name);
        return i == null || i >= cells.size() ? null : cells.get(i);
    }

    private static List<String> lines(@Nullable String cell, String separators) {
        return cell == null ? List.of() : Arrays.asList(cell.split(separators));
    }

    private static String normaliseName(String s) {
        return s.replace("\uFEFF", "").strip().toLowerCase(Locale.ROOT).replaceAll("[\\s_]+", "");
    }

    private static Map<String, String> names() {
        Map<String, String> m = new HashMap<>();
        for (String s : List.of("question", "问题", "标准问题", "标准问")) {
            m.put(s, "question");
        }
        for (String s : List.of("answer", "答案", "回答", "答复")) {
            m.put(s, "answer");
        }
        for (String s : List.of("similarquestions", "similar", "相似问题", "相似问法", "其他问法")) {
            m.put(s, "similarQuestions");
        }
        for (String s : List.of("category", "分类", "类别")) {
            m.put(s, "category");
        }
        for (String s : List.of("keywords", "关键词", "关键字")) {
            m.put(s, "keywords");
        }
        return m;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    static List<String> cells(KnowledgeItem item) {
        return List.of(item.question(), item.answer(), String.join("\n", item.similarQuestions()),
                item.category() == null ? "" : item.category(), String.join("\n", item.keywords()));
    }

    /** A cell that a spreadsheet would run as a formula gets a leading apostrophe. */
    static String safe(String cell) {
        return !cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0 ? "'" + cell : cell;
    }

    static byte[] csv(Consumer<Consumer<KnowledgeItem>> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        try (CSVPrinter printer = new CSVPrinter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), CSVFormat.DEFAULT)) {
            printer.printRecord(HEADER);
            items.accept(item -> {
                try {
                    printer.printRecord(cells(item).stream().map(Spreadsheets::safe).toList());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] xlsx(Consumer<Consumer<KnowledgeItem>> items) {
        try (SXSSFWorkbook workbook = new SXSSFWorkbook(200)) {
            Sheet sheet = workbook.createSheet("knowledge");
            int[] r = {0};
            Row header = sheet.createRow(r[0]++);
            for (int c = 0; c < HEADER.size(); c++) {
                header.createCell(c).setCellValue(HEADER.get(c));
            }
            items.accept(item -> {
                Row row = sheet.createRow(r[0]++);
                List<String> cells = cells(item);
                for (int c = 0; c < cells.size(); c++) {
                    // String cells are never formulas in XLSX; setCellValue(String) stores text.
                    row.createCell(c).setCellValue(cells.get(c));
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            workbook.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
