package io.kefu.kbai.knowledge;

import java.text.Normalizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import org.jspecify.annotations.Nullable;

/**
 * The content of an item as written by a person or a file, checked and tidied: trimmed, NUL and other
 * control characters refused, lengths bounded, duplicate phrasings dropped. {@link #check()} throws a
 * 400 problem naming the field; importers call {@link #problem()} to report a row instead.
 */
public record ItemDraft(String question, List<String> similarQuestions, String answer, @Nullable String category,
        List<String> keywords, @Nullable Instant validFrom, @Nullable Instant validUntil, boolean enabled) {

    public static final int MAX_QUESTION = 500;
    public static final int MAX_ANSWER = 10_000;
    public static final int MAX_PHRASINGS = 50;
    public static final int MAX_CATEGORY = 64;
    public static final int MAX_KEYWORDS = 50;
    public static final int MAX_KEYWORD = 64;

    public static ItemDraft of(@Nullable String question, @Nullable List<String> similarQuestions, @Nullable String answer,
            @Nullable String category, @Nullable List<String> keywords, @Nullable Instant validFrom, @Nullable Instant validUntil,
            @Nullable Boolean enabled) {
        String q = tidy(question);
        return new ItemDraft(q == null ? "" : q, distinct(similarQuestions, q), answer == null ? "" : answer.strip(), tidy(category),
                distinct(keywords, null), validFrom, validUntil, enabled == null || enabled);
    }

    /** The key two questions share when they are the same question: NFKC, lower case, without spaces or end punctuation. */
    public static String questionKey(String question) {
        String s = Normalizer.normalize(question, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        s = s.replaceAll("\\s+", "");
        return s.replaceAll("[\\p{Punct}？！。，、；：]+$", "");
    }

    /** The question then each other phrasing, as the item will store their vectors. */
    public List<String> phrasingsWithQuestion() {
        List<String> all = new ArrayList<>(1 + similarQuestions.size());
        all.add(question);
        all.addAll(similarQuestions);
        return all;
    }

    public String questionKey() {
        return questionKey(question);
    }

    /** The reason this draft cannot be stored, or null. */
    public @Nullable String problem() {
        if (question.isEmpty()) {
            return "question is required";
        }
        if (question.length() > MAX_QUESTION) {
            return "question is longer than " + MAX_QUESTION + " characters";
        }
        if (answer.isEmpty()) {
            return "answer is required";
        }
        if (answer.length() > MAX_ANSWER) {
            return "answer is longer than " + MAX_ANSWER + " characters";
        }
        if (similarQuestions.size() > MAX_PHRASINGS) {
            return "more than " + MAX_PHRASINGS + " other phrasings";
        }
        for (String s : similarQuestions) {
            if (s.length() > MAX_QUESTION) {
                return "a phrasing is longer than " + MAX_QUESTION + " characters";
            }
        }
        if (category != null && category.length() > MAX_CATEGORY) {
            return "category is longer than " + MAX_CATEGORY + " characters";
        }
        if (keywords.size() > MAX_KEYWORDS) {
            return "more than " + MAX_KEYWORDS + " keywords";
        }
        for (String k : keywords) {
            if (k.length() > MAX_KEYWORD) {
                return "a keyword is longer than " + MAX_KEYWORD + " characters";
            }
        }
        if (hasControl(question) || hasControl(answer.replace('\n', ' ').replace('\r', ' ').replace('\t', ' '))
                || similarQuestions.stream().anyMatch(ItemDraft::hasControl) || keywords.stream().anyMatch(ItemDraft::hasControl)
                || (category != null && hasControl(category))) {
            return "text contains control characters";
        }
        if (validFrom != null && validUntil != null && !validFrom.isBefore(validUntil)) {
            return "validFrom must be before validUntil";
        }
        return null;
    }

    public ItemDraft check() {
        String problem = problem();
        if (problem != null) {
            throw new KefuProblemException(ProblemType.VALIDATION, problem);
        }
        return this;
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static @Nullable String tidy(@Nullable String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }

    private static List<String> distinct(@Nullable List<String> values, @Nullable String except) {
        if (values == null) {
            return List.of();
        }
        Set<String> keys = new LinkedHashSet<>();
        if (except != null) {
            keys.add(questionKey(except));
        }
        List<String> out = new ArrayList<>();
        for (String v : values) {
            String t = tidy(v);
            if (t != null && keys.add(questionKey(t))) {
                out.add(t);
            }
        }
        return out;
    }
}
