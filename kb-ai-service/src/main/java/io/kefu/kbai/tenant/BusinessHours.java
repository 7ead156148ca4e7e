package io.kefu.kbai.tenant;

import java.text.Normalizer;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A tenant's business hours as auth stores them: free text such as {@code 09:00-18:00}. Understood:
 * one or more ranges {@code HH:mm-HH:mm} separated by commas, semicolons or spaces; full-width
 * characters (NFKC), {@code ~ ～ 至 到} as the dash, {@code 9:00} or {@code 9点} for the hour; a range
 * whose end is before its start runs over midnight ({@code 22:00-06:00}); {@code 00:00-24:00},
 * {@code 24h}, {@code 全天} or blank = always open. Text that is none of these is taken as always open
 * (the AI keeps answering; a typo in the admin's text must not silence the service) and {@link #understood()}
 * says so.
 */
public final class BusinessHours {

    private static final Pattern RANGE = Pattern.compile("(\\d{1,2})(?:[:.点](\\d{2})?分?)?\\s*[-~至到]\\s*(\\d{1,2})(?:[:.点](\\d{2})?分?)?");
    public static final BusinessHours ALWAYS = new BusinessHours("", List.of(), true);

    private record Range(int from, int to) {

        boolean contains(int minute) {
            return from <= to ? minute >= from && minute < to : minute >= from || minute < to;
        }
    }

    private final String text;
    private final List<Range> ranges;
    private final boolean understood;

    private BusinessHours(String text, List<Range> ranges, boolean understood) {
        this.text = text;
        this.ranges = ranges;
        this.understood = understood;
    }

    public static BusinessHours parse(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return ALWAYS;
        }
        String t = Normalizer.normalize(text, Normalizer.Form.NFKC).strip().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("24h") || t.equals("全天") || t.equals("24小时")) {
            return new BusinessHours(text.strip(), List.of(), true);
        }
        List<Range> ranges = new ArrayList<>();
        Matcher m = RANGE.matcher(t);
        int end = 0;
        while (m.find()) {
            if (!t.substring(end, m.start()).matches("[\\s,;，；、]*")) {
                return new BusinessHours(text.strip(), List.of(), false);
            }
            Integer from = minute(m.group(1), m.group(2));
            Integer to = minute(m.group(3), m.group(4));
            if (from == null || to == null) {
                return new BusinessHours(text.strip(), List.of(), false);
            }
            if (!(from == 0 && to == 24 * 60)) {
                ranges.add(new Range(from, to % (24 * 60)));
            }
            end = m.end();
        }
        boolean rest = t.substring(end).matches("[\\s,;，；、]*");
        if (end == 0 || !rest) {
            return new BusinessHours(text.strip(), List.of(), false);
        }
        return new BusinessHours(text.strip(), List.copyOf(ranges), true);
    }

    private static @Nullable Integer minute(String hour, @Nullable String minute) {
        int h = Integer.parseInt(hour);
        int m = minute == null ? 0 : Integer.parseInt(minute);
        if (h > 24 || m > 59 || (h == 24 && m > 0)) {
            return null;
        }
        return h * 60 + m;
    }

    /** Whether people are at work at {@code time} (the tenant's local time). */
    public boolean openAt(LocalTime time) {
        int minute = time.getHour() * 60 + time.getMinute();
        return ranges.isEmpty() || ranges.stream().anyMatch(r -> r.contains(minute));
    }

    /**
     * When people are next at work, seen from {@code at} (in the tenant's zone): {@code at} itself when
     * open now, else the start of the next range (today's or tomorrow's). The review queue's time-out
     * counts from there, since no reviewer can act before.
     */
    public ZonedDateTime openFrom(ZonedDateTime at) {
        if (openAt(at.toLocalTime())) {
            return at;
        }
        ZonedDateTime next = null;
        for (Range r : ranges) {
            ZonedDateTime start = at.toLocalDate().atTime(LocalTime.of(r.from() / 60, r.from() % 60)).atZone(at.getZone());
            if (!start.isAfter(at)) {
                start = at.toLocalDate().plusDays(1).atTime(LocalTime.of(r.from() / 60, r.from() % 60)).atZone(at.getZone());
            }
            if (next == null || start.isBefore(next)) {
                next = start;
            }
        }
        return next == null ? at : next;
    }

    /** False when the text was not understood (then always open). */
    public boolean understood() {
        return understood;
    }

    /** The admin's text, for the notice a customer reads outside the hours. */
    public String text() {
        return text;
    }
}
