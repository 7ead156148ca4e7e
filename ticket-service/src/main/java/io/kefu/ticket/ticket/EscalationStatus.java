package io.kefu.ticket.ticket;

import java.util.Locale;

/** escalated = handed to the tenant's support staff. */
public enum EscalationStatus {
    NORMAL, ESCALATED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static EscalationStatus of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    @jakarta.persistence.Converter
    static class Column implements jakarta.persistence.AttributeConverter<EscalationStatus, String> {
        @Override
        public String convertToDatabaseColumn(EscalationStatus value) {
            return value == null ? null : value.wire();
        }

        @Override
        public EscalationStatus convertToEntityAttribute(String value) {
            return value == null ? null : of(value);
        }
    }
}
