package io.kefu.common.input;

import org.jspecify.annotations.Nullable;

/** The one rule about NUL: text from outside never holds U+0000 (PostgreSQL text cannot store it). */
public final class NulText {

    public static final char NUL = (char) 0;

    private NulText() {
    }

    public static boolean contains(@Nullable CharSequence text) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == NUL) {
                return true;
            }
        }
        return false;
    }
}
