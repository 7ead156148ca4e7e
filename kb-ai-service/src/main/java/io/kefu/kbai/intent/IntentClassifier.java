package io.kefu.kbai.intent;

import java.util.List;
import java.util.Locale;

import io.kefu.common.config.LiveProperties;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The intent of a question: the customer's own words first (asking for a person, complaining,
 * after-sale or pre-sale words), then the category of the best KB items, then the model's reading
 * when a model is configured and nothing above decided ({@link #fromModel}), else {@link Intent#OTHER}.
 * Pure apart from the live keyword lists.
 */
@Component
public class IntentClassifier {

    private final LiveProperties<IntentProperties> properties;

    IntentClassifier(LiveProperties<IntentProperties> properties) {
        this.properties = properties;
    }

    /** From the words and the categories alone; null when they do not decide. */
    public @Nullable Intent fromWords(String question, List<String> categories) {
        IntentProperties p = properties.get();
        String text = question.toLowerCase(Locale.ROOT);
        if (containsAny(text, p.humanKeywords())) {
            return Intent.HUMAN;
        }
        if (containsAny(text, p.complaintKeywords())) {
            return Intent.COMPLAINT;
        }
        if (containsAny(text, p.aftersaleKeywords())) {
            return Intent.AFTERSALE;
        }
        if (containsAny(text, p.presaleKeywords())) {
            return Intent.PRESALE;
        }
        for (String category : categories) {
            String c = category == null ? "" : category.toLowerCase(Locale.ROOT);
            if (containsAny(c, p.aftersaleCategories())) {
                return Intent.AFTERSALE;
            }
            if (containsAny(c, p.presaleCategories())) {
                return Intent.PRESALE;
            }
        }
        return null;
    }

    /** The model's one-word answer to {@link #MODEL_QUESTION}, read leniently; OTHER when unreadable. */
    public static Intent fromModel(@Nullable String reply) {
        if (reply == null) {
            return Intent.OTHER;
        }
        String r = reply.strip().toLowerCase(Locale.ROOT);
        for (Intent intent : Intent.values()) {
            if (r.startsWith(intent.code())) {
                return intent;
            }
        }
        return Intent.OTHER;
    }

    /** What the model is asked when the words do not decide. */
    public static final String MODEL_QUESTION = """
            将客户的问题归入一类，只回答一个英文单词：presale（售前咨询）、aftersale（售后问题）、complaint（投诉）、\
            human（要求人工）、other（其他）。""";

    private static boolean containsAny(String text, List<String> words) {
        for (String word : words) {
            if (!word.isEmpty() && text.contains(word.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }
}
