package io.kefu.chat.conversation;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.AttributeConverter;

/** The seed's consultation states; waiting and active are open, the others are ended. */
public enum ConversationStatus {
    WAITING("waiting", true), ACTIVE("active", true), CLOSED("closed", false), TIMEOUT("timeout", false);

    static final List<ConversationStatus> OPEN = List.of(WAITING, ACTIVE);

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
        return find(code).orElseThrow(() -> new IllegalArgumentException("unknown conversation status " + code));
    }

    public static Optional<ConversationStatus> find(String code) {
        return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
    }

    /** The column holds the code. */
    static final class Column implements AttributeConverter<ConversationStatus, String> {

        @Override
        public String convertToDatabaseColumn(ConversationStatus status) {
            return status == null ? null : status.code;
        }

        @Override
        public ConversationStatus convertToEntityAttribute(String code) {
            return code == null ? null : of(code);
        }
    }
}
