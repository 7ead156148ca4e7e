package io.kefu.ticket.ticket;

import java.util.Locale;

/** The seed's ticket types (§4.2). */
public enum TicketType {
    SYSTEM_ISSUE, PRODUCT_SUGGESTION, TRAINING_IMPLEMENTATION, RENEWAL_QUESTION, ISSUE_ESCALATION, COMPLAINT;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static TicketType of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    @jakarta.persistence.Converter
    static class Column implements jakarta.persistence.AttributeConverter<TicketType, String> {
        @Override
        public String convertToDatabaseColumn(TicketType value) {
            return value == null ? null : value.wire();
        }

        @Override
        public TicketType convertToEntityAttribute(String value) {
            return value == null ? null : of(value);
        }
    }
}
