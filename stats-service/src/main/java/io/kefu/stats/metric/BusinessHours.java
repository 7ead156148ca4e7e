package io.kefu.stats.metric;

import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A tenant's business hours as auth publishes them ({@code auth.tenant.configured.v1} {@code businessHours},
 * free text such as {@code 09:00-18:00}), read the way kb-ai-service reads them (stats keeps its own copy of
 * the grammar: no service compiles against another's classes): one or more ranges {@code HH:mm-HH:mm}
 * separated by commas, semicolons or spaces; full-width characters (NFKC); {@code ~ ～ 至 到} as the dash;
 * {@code 9:00} or {@code 9点}; a range ending before it starts runs over midnight ({@code 22:00-06:00});
 * {@code 00:00-24:00}, {@code 24h}, {@code 全天} = always open. The same hours every day of the week (auth's
 * text has no weekdays). Text that is none of these, or blank, gives {@code null}: the tenant has no hours,
 * and stats computes no business-hours values rather than guessing.
 */
public final class BusinessHours {

    private static final Pattern RANGE = Pattern.compile("(\\d{1,2})(?:[:.点](\\d{2})?分?)?\\s*[-~至到]\\s*(\\d{1,2})(?:[:.点](\\d{2})?分?)?");
    private static final String SEPARATORS = "[\\s,;，；、]*";
    private static final int DAY = 24 * 60;

    /** Open runs of one day, in minutes [from, to), sorted and disjoint (overlapping ranges merged). */
    private final List<int[]> runs;

    private BusinessHours(boolean[] open) {
        List<int[]> out = new ArrayList<>();
        int minute = 0;
        while (minute < DAY) {
            if (!open[minute]) {
                minute++;
                continue;
            }
            int start = minute;
            while (minute < DAY && open[minute]) {
                minute++;
            }
            out.add(new int[] {start, minute});
        }
        this.runs = List.copyOf(out);
    }

    /** The hours in this text, or null when the tenant has none (blank) or the text is not understood. */
    public static @Nullable BusinessHours parse(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = Normalizer.normalize(text, Normalizer.Form.NFKC).strip().toLowerCase(Locale.ROOT);
        boolean[] open = new boolean[DAY];
        if (t.equals("24h") || t.equals("全天") || t.equals("24小时")) {
            java.util.Arrays.fill(open, true);
            return new BusinessHours(open);
        }
        Matcher m = RANGE.matcher(t);
        int end = 0;
        while (m.find()) {
            if (!t.substring(end, m.start()).matches(SEPARATORS)) {
                return null;
            }
            Integer from = minute(m.group(1), m.group(2));
            Integer to = minute(m.group(3), m.group(4));
            if (from == null || to == null) {
                return null;
            }
            if (from < to) {
                java.util.Arrays.fill(open, from, to, true);
            } else if (from.equals(to) || (from == 0 && to == DAY)) {
                java.util.Arrays.fill(open, true); // 00:00-24:00 (or 00:00-00:00): round the clock
            } else {
                java.util.Arrays.fill(open, from, DAY, true); // over midnight
                java.util.Arrays.fill(open, 0, to, true);
            }
            end = m.end();
        }
        if (end == 0 || !t.substring(end).matches(SEPARATORS)) {
            return null;
        }
        return new BusinessHours(open);
    }

    private static @Nullable Integer minute(String hour, @Nullable String minute) {
        int h = Integer.parseInt(hour);
        int m = minute == null ? 0 : Integer.parseInt(minute);
        if (h > 24 || m > 59 || (h == 24 && m > 0)) {
            return null;
        }
        return h * 60 + m;
    }

    /**
     * Seconds of [from, to) that fall inside the hours, in the tenant's zone (each day's runs placed on that
     * day's local clock, so a DST day counts its real length). A customer waiting 17:50 → 09:10 next day with
     * 09:00-18:00 waited 20 business minutes.
     */
    public double seconds(Instant from, Instant to, ZoneId zone) {
        if (!to.isAfter(from)) {
            return 0;
        }
        long millis = 0;
        LocalDate last = to.atZone(zone).toLocalDate();
        for (LocalDate day = from.atZone(zone).toLocalDate(); !day.isAfter(last); day = day.plusDays(1)) {
            for (int[] run : runs) {
                Instant open = day.atStartOfDay().plusMinutes(run[0]).atZone(zone).toInstant();
                Instant close = day.atStartOfDay().plusMinutes(run[1]).atZone(zone).toInstant();
                Instant a = open.isAfter(from) ? open : from;
                Instant b = close.isBefore(to) ? close : to;
                if (b.isAfter(a)) {
                    millis += Duration.between(a, b).toMillis();
                }
            }
        }
        return millis / 1000.0;
    }
}
