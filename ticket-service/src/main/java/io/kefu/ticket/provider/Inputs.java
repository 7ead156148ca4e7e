package io.kefu.ticket.provider;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import org.jspecify.annotations.Nullable;

/**
 * Checks of what callers send that bean validation does not express once for all: free text without
 * control characters (PostgreSQL refuses NUL; the others have no place in a title), bounded lengths,
 * enum values from the seed's vocabulary, and page bounds. Each failure is a 400 naming the field.
 */
public final class Inputs {

    public static final int MAX_PAGE_SIZE = 100;

    private Inputs() {
    }

    public static KefuProblemException invalid(String field, String reason) {
        return new KefuProblemException(ProblemType.VALIDATION, field + ": " + reason, Map.of("field", field));
    }

    /** Required text, stripped, at most {@code max} characters, no control characters but newlines and tabs. */
    public static String text(String field, @Nullable String value, int max) {
        String text = optionalText(field, value, max);
        if (text == null) {
            throw invalid(field, "is required");
        }
        return text;
    }

    public static @Nullable String optionalText(String field, @Nullable String value, int max) {
        if (value == null) {
            return null;
        }
        String text = value.strip();
        if (text.isEmpty()) {
            return null;
        }
        if (text.length() > max) {
            throw invalid(field, "at most " + max + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\t' && c != '\r' || c == 0x7f) {
                throw invalid(field, "contains a control character");
            }
        }
        return text;
    }

    public static @Nullable LocalDate optionalDate(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw invalid(field, "not a date (yyyy-MM-dd): " + abbreviate(value));
        }
    }

    public static LocalDate date(String field, @Nullable String value) {
        LocalDate date = optionalDate(field, value);
        if (date == null) {
            throw invalid(field, "is required");
        }
        return date;
    }

    /** An optional enum given by its wire name; an unknown name is a 400 listing the accepted ones. */
    public static <E extends Enum<E>> Optional<E> wire(String field, @Nullable String value, Class<E> type, Function<E, String> name) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        for (E e : type.getEnumConstants()) {
            if (name.apply(e).equals(value.strip())) {
                return Optional.of(e);
            }
        }
        StringBuilder accepted = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            accepted.append(accepted.isEmpty() ? "" : "|").append(name.apply(e));
        }
        throw invalid(field, "must be one of " + accepted + ", not " + abbreviate(value));
    }

    /** A LIKE pattern matching {@code keyword} literally anywhere in the text ({@code \\}, {@code %} and {@code _} escaped). */
    public static String containsPattern(String keyword) {
        return "%" + keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /**
     * A {@code keyword} search of one text column, as SQL conditions: whatever the form, the rows whose text
     * contains the keyword ignoring case, as {@code ilike '%keyword%'} ({@code %}, {@code _}, {@code \\}
     * literal). {@link #indexed} is for the count and a page of few matches, {@link #scanned} for a page walked
     * in the list's order. A keyword of one or two characters yields no trigram, so pg_trgm cannot serve
     * it: V16's 1- and 2-character grams find its candidates and {@code position} over lower-cased text (what
     * ILIKE compares) decides; not ILIKE itself, because under a generic plan (a prepared statement run
     * often) the planner would AND the trigram index in, which for such a pattern is every row.
     */
    public record Keyword(String keyword, String column, boolean shortWord) {

        public static Keyword of(String keyword, String column) {
            return new Keyword(keyword, column, keyword.codePointCount(0, keyword.length()) <= 2);
        }

        /** {@code " and …"} served by an index (trigram or gram); its arguments go to {@code args}. */
        public String indexed(List<Object> args) {
            if (!shortWord) {
                args.add(containsPattern(keyword));
                return " and " + column + " ilike ?";
            }
            args.add(keyword);
            args.add(keyword);
            return " and text_grams(" + column + ") @> text_grams(?) and position(lower(?) in lower(" + column + ")) > 0";
        }

        /** {@code " and …"} checked row by row (no index chosen for it under any plan). */
        public String scanned(List<Object> args) {
            if (!shortWord) {
                return indexed(args);
            }
            args.add(keyword);
            return " and position(lower(?) in lower(" + column + ")) > 0";
        }
    }

    /**
     * page from 1, pageSize 1..{@value #MAX_PAGE_SIZE}; defaults 1 and 20. Or, instead of {@code page}, a
     * keyset {@code after} cursor (the {@code nextCursor} of the previous answer): both at once is a 400.
     */
    public record Paging(int page, int pageSize, @Nullable PageCursor after) {

        public Paging(int page, int pageSize) {
            this(page, pageSize, null);
        }

        public static Paging of(@Nullable Integer page, @Nullable Integer pageSize) {
            return of(page, pageSize, null);
        }

        public static Paging of(@Nullable Integer page, @Nullable Integer pageSize, @Nullable String after) {
            int p = page == null ? 1 : page;
            int size = pageSize == null ? 20 : pageSize;
            if (p < 1 || p > 1_000_000) {
                throw invalid("page", "must be between 1 and 1000000");
            }
            if (size < 1 || size > MAX_PAGE_SIZE) {
                throw invalid("pageSize", "must be between 1 and " + MAX_PAGE_SIZE);
            }
            if (after == null || after.isBlank()) {
                return new Paging(p, size);
            }
            if (page != null) {
                throw invalid("after", "give page or after, not both");
            }
            if (after.length() > 200) {
                throw invalid("after", "not a cursor of this list (use nextCursor as answered)");
            }
            return new Paging(1, size, PageCursor.parse(after));
        }

        public long offset() {
            return after == null ? (long) (page - 1) * pageSize : 0;
        }

        /** The page number to answer: none when reading on from a cursor. */
        public @Nullable Integer pageNumber() {
            return after == null ? page : null;
        }

        /** The keyset condition for the table alias (empty without a cursor); its arguments go to {@code args}. */
        public String keyset(@Nullable String alias, List<Object> args) {
            return after == null ? "" : after.condition(alias, args);
        }

        /** The cursor after the last row of a full page; null when the page was short (nothing follows). */
        public <T> @Nullable String next(List<T> rows, Function<T, PageCursor> position) {
            return rows.size() < pageSize || rows.isEmpty() ? null : position.apply(rows.getLast()).encode();
        }
    }

    private static String abbreviate(String value) {
        String v = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        return v.replaceAll("\\p{Cntrl}", "?");
    }
}
