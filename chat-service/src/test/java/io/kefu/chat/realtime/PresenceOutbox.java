package io.kefu.chat.realtime;

import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;

/** The chat.presence.changed.v1 events a test's instances (one database) put in the outbox: what routing will get. */
final class PresenceOutbox {

    private PresenceOutbox() {
    }

    static long count(JdbcTemplate jdbc, UUID userId, boolean online) {
        return jdbc.queryForObject("""
                select count(*) from kefu_outbox where event_type = 'chat.presence.changed.v1' and envelope->>'subject' = ?
                  and (envelope->'data'->>'online')::boolean = ?""", Long.class, userId.toString(), online);
    }
}
