package io.kefu.ticket.ticket;

import java.util.Locale;

/** Chooses the SLA targets. */
public enum TicketPriority {
    LOW, NORMAL, HIGH, URGENT;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static TicketPriority of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    @jakarta.persistence.Converter
    static class Column implements jakarta.persistence.AttributeConverter<TicketPriority, String> {
        @Override
        public String convertToDatabaseColumn(TicketPriority value) {
            return value == null ? null : value.wire();
        }

        @Override
        public TicketPriority convertToEntityAttribute(String value) {
            return value == null ? null : of(value);
        }
    }
}
