package io.kefu.chat.conversation;

import java.util.Optional;

/** How a conversation began (the seed's source). */
public enum Source {
    QR_CODE, QUICK_CHAT, TRANSFER;

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<Source> find(String code) {
        return Codes.find(Source.class, Source::code, code);
    }
}
