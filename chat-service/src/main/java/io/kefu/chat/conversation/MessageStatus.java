package io.kefu.chat.conversation;

import java.util.Locale;

import jakarta.persistence.AttributeConverter;

/**
 * A message's way: {@code sending} (until a WeChat API accepts it) → {@code sent} → {@code delivered}
 * (the receiving client has it) → {@code read}; or {@code failed} (refused, or its outcome was lost).
 * Receipts never move a message backwards.
 */
public enum MessageStatus {
    SENDING, SENT, DELIVERED, READ, FAILED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    static MessageStatus of(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }

    /** The column holds the code. */
    static final class Column implements AttributeConverter<MessageStatus, String> {

        @Override
        public String convertToDatabaseColumn(MessageStatus status) {
            return status == null ? null : status.code();
        }

        @Override
        public MessageStatus convertToEntityAttribute(String code) {
            return code == null ? null : of(code);
        }
    }
}
