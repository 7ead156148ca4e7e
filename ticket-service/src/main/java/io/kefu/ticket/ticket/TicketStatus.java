package io.kefu.ticket.ticket;

import java.util.Locale;

/** open → processing (first answer) → resolved → closed (after the quiet period). */
public enum TicketStatus {
    OPEN, PROCESSING, RESOLVED, CLOSED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static TicketStatus of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    @jakarta.persistence.Converter
    static class Column implements jakarta.persistence.AttributeConverter<TicketStatus, String> {
        @Override
        public String convertToDatabaseColumn(TicketStatus value) {
            return value == null ? null : value.wire();
        }

        @Override
        public TicketStatus convertToEntityAttribute(String value) {
            return value == null ? null : of(value);
        }
    }
}
