package io.kefu.kbai.tenant;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * What kb-ai applies of a tenant's customer-service config (auth's {@code TenantConfig}, from
 * {@code auth.tenant.configured.v1}; seed 001's shop config). A tenant kb-ai has not heard of gets
 * {@link #NONE}: no lists, always open, no delay, auto answers allowed — the rules bind from the first
 * config auth publishes.
 *
 * @param autoMode      false: nothing the AI writes reaches the customer without a reviewer (the top band
 *                      becomes a draft too)
 * @param blacklist     customer ids and words: such a customer, or a question containing such a word, is
 *                      never answered by the AI — it goes to a person
 * @param whitelist     customer ids always served by the AI: the blacklist does not apply to them, and
 *                      their top-band answers go out even when {@code autoMode} is off
 * @param hours         when people work (replies needing a person outside them say when they are back)
 * @param replyDelay    seconds after the customer's message before an automatic answer goes out
 * @param active        false when auth disabled the tenant: the AI answers nothing for it (no retrieval, no model
 *                      call, no message, no draft)
 */
public record TenantRules(boolean autoMode, List<String> blacklist, List<String> whitelist, BusinessHours hours, int replyDelay,
        boolean active) {

    public static final TenantRules NONE = new TenantRules(true, List.of(), List.of(), BusinessHours.ALWAYS, 0, true);

    public TenantRules {
        blacklist = blacklist.stream().map(TenantRules::normalise).filter(s -> !s.isEmpty()).toList();
        whitelist = whitelist.stream().map(TenantRules::normalise).filter(s -> !s.isEmpty()).toList();
        replyDelay = Math.clamp(replyDelay, 0, 600);
    }

    public boolean whitelisted(UUID customerId) {
        return whitelist.contains(customerId.toString());
    }

    /**
     * The blacklist entry that stops the AI for this customer and question: their id, or a word of the
     * question (compared after NFKC and lower case, so full-width and capitals do not slip past).
     * Entries that are customer ids never match as words.
     */
    public Optional<String> blacklisted(UUID customerId, String question) {
        String id = customerId.toString();
        String text = normalise(question);
        return blacklist.stream().filter(entry -> entry.equals(id) || (!isId(entry) && text.contains(entry))).findFirst();
    }

    private static boolean isId(String entry) {
        try {
            return UUID.fromString(entry).toString().equals(entry);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String normalise(@Nullable String s) {
        return s == null ? "" : Normalizer.normalize(s, Normalizer.Form.NFKC).strip().toLowerCase(Locale.ROOT);
    }
}
