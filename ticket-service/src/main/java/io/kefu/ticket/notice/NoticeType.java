package io.kefu.ticket.notice;

import java.util.Locale;

/** The seed's message types (§4.3). */
public enum NoticeType {
    SYSTEM_NOTIFICATION, CUSTOMER_ALERT, TICKET_UPDATE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
