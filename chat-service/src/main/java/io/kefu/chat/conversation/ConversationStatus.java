package io.kefu.chat.conversation;

import java.util.Arrays;

/** The seed's consultation states; waiting and active are open, the others are ended. */
public enum ConversationStatus {
    WAITING("waiting", true), ACTIVE("active", true), CLOSED("closed", false), TIMEOUT("timeout", false);

    private final String code;
    private final boolean open;

    ConversationStatus(String code, boolean open) {
        this.code = code;
        this.open = open;
    }

    public String code() {
        return code;
    }

    public boolean open() {
        return open;
    }

    public static ConversationStatus of(String code) {
        return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown conversation status " + code));
    }
}
