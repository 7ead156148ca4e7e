package io.kefu.chat.conversation;

import java.util.Locale;

import jakarta.persistence.AttributeConverter;

/** Who ended a conversation: its customer, a staff member (in the workbench or by a WeCom command), or the system (timeouts). */
public enum EndType {
    CUSTOMER, STAFF, SYSTEM;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The column holds the code. */
    static final class Column implements AttributeConverter<EndType, String> {

        @Override
        public String convertToDatabaseColumn(EndType type) {
            return type == null ? null : type.code();
        }

        @Override
        public EndType convertToEntityAttribute(String code) {
            return code == null ? null : valueOf(code.toUpperCase(Locale.ROOT));
        }
    }
}
