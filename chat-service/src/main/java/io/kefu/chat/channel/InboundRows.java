package io.kefu.chat.channel;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The {@code channel_inbound} table: each accepted callback is one row, written before WeChat is answered
 * (with the callbacks that arrived with it, {@link InboundWriter}), claimed with a lease by whoever processes it.
 */
@Component
class InboundRows {

    record Inbound(UUID id, UUID tenantId, UUID accountId, String channel, String dedupeKey, String msgType, @Nullable String event,
            @Nullable String eventKey, String fromUser, String rawXml, String status, int attempts, Instant receivedAt) {
    }

    /**
     * What a callback found in WeChat's XML, before it is stored. Identities and keys longer than their
     * columns are refused (400), never cut: a truncated FromUserName would be another customer. WeChat's
     * own values are far shorter (openid 28, WeCom userid ≤ 64, external userid ~32 characters).
     */
    record Received(String dedupeKey, String msgType, @Nullable String event, @Nullable String eventKey, String fromUser, String rawXml) {
        Received {
            refuseLonger("FromUserName", fromUser, 128);
            refuseLonger("MsgType", msgType, 32);
            refuseLonger("Event", event, 64);
            refuseLonger("EventKey/ChangeType", eventKey, 256);
            refuseLonger("MsgId", dedupeKey, 200);
        }

        private static void refuseLonger(String field, @Nullable String value, int max) {
            if (value != null && value.length() > max) {
                throw new io.kefu.common.error.KefuProblemException(io.kefu.common.error.ProblemType.VALIDATION,
                        field + " is longer than " + max + " characters", java.util.Map.of("errors",
                                List.of(java.util.Map.of("field", field, "message", "at most " + max + " characters"))));
            }
        }
    }

    private static final String COLUMNS = "id, tenant_id, account_id, channel, dedupe_key, msg_type, event, event_key, from_user, raw_xml, "
            + "status, attempts, received_at";

    private final JdbcTemplate jdbc;
    private final Clock clock;

    InboundRows(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Stores the callback unless WeChat sent it before, free for anyone to claim; the id of a new row, empty for a retry. */
    Optional<UUID> store(ChannelAccount account, Received received) {
        NewRow row = newRow(account, received, null);
        return insert(row) ? Optional.of(row.row().id()) : Optional.empty();
    }

    /**
     * A callback's row before it is stored: its id, and with a {@code lease} already claimed (its first attempt), which
     * saves the claim's round trip when the instance that answered processes it; should it die, the lease runs out
     * and the job takes the row.
     */
    record NewRow(Inbound row, @Nullable Instant claimedUntil) {
    }

    NewRow newRow(ChannelAccount account, Received received, @Nullable Duration lease) {
        Instant now = clock.instant();
        return new NewRow(new Inbound(UUID.randomUUID(), account.tenantId(), account.id(), account.kind(), received.dedupeKey(),
                received.msgType(), received.event(), received.eventKey(), received.fromUser(), received.rawXml(), "pending",
                lease == null ? 0 : 1, now), lease == null ? null : now.plus(lease));
    }

    /** Stores one row unless its MsgId was stored before: true if it was stored now. */
    boolean insert(NewRow newRow) {
        Inbound r = newRow.row();
        return !jdbc.queryForList("""
                insert into channel_inbound (id, tenant_id, account_id, channel, dedupe_key, msg_type, event, event_key, from_user, raw_xml,
                    status, attempts, claimed_until, received_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)
                on conflict (account_id, dedupe_key) do nothing
                returning id""", UUID.class,
                r.id(), r.tenantId(), r.accountId(), r.channel(), r.dedupeKey(), r.msgType(), r.event(), r.eventKey(), r.fromUser(), r.rawXml(),
                r.attempts(), newRow.claimedUntil() == null ? null : Timestamp.from(newRow.claimedUntil()), Timestamp.from(r.receivedAt()))
                .isEmpty();
    }

    /**
     * Stores rows with one statement, so with one commit (the template's connection is in autocommit): the ids of those
     * stored now; the others' MsgIds were stored before (WeChat's retries), or earlier in the same list. The statement
     * is the same for any number of rows (arrays, unnested), so the server plans it once.
     */
    Set<UUID> insertAll(List<NewRow> newRows) {
        int n = newRows.size();
        Object[][] columns = new Object[13][n];
        for (int i = 0; i < n; i++) {
            Inbound r = newRows.get(i).row();
            Instant claimedUntil = newRows.get(i).claimedUntil();
            Object[] values = {r.id(), r.tenantId(), r.accountId(), r.channel(), r.dedupeKey(), r.msgType(), r.event(), r.eventKey(),
                    r.fromUser(), r.rawXml(), r.attempts(), claimedUntil == null ? null : Timestamp.from(claimedUntil),
                    Timestamp.from(r.receivedAt())};
            for (int c = 0; c < values.length; c++) {
                columns[c][i] = values[c];
            }
        }
        String[] types = {"uuid", "uuid", "uuid", "varchar", "varchar", "varchar", "varchar", "varchar", "varchar", "text", "int4",
                "timestamptz", "timestamptz"};
        List<UUID> stored = jdbc.execute((ConnectionCallback<List<UUID>>) connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into channel_inbound (id, tenant_id, account_id, channel, dedupe_key, msg_type, event, event_key, from_user, raw_xml,
                        status, attempts, claimed_until, received_at)
                    select id, tenant_id, account_id, channel, dedupe_key, msg_type, event, event_key, from_user, raw_xml, 'pending', attempts,
                        claimed_until, received_at
                    from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[],
                        ?::varchar[], ?::text[], ?::int4[], ?::timestamptz[], ?::timestamptz[])
                        as t (id, tenant_id, account_id, channel, dedupe_key, msg_type, event, event_key, from_user, raw_xml, attempts,
                            claimed_until, received_at)
                    on conflict (account_id, dedupe_key) do nothing
                    returning id""")) {
                for (int c = 0; c < types.length; c++) {
                    insert.setArray(c + 1, connection.createArrayOf(types[c], columns[c]));
                }
                List<UUID> ids = new ArrayList<>(n);
                try (ResultSet rs = insert.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
                return ids;
            }
        });
        return stored == null ? Set.of() : Set.copyOf(stored);
    }

    /** Gives back a row claimed at {@link #newRow} that this instance will not process after all: the job takes it. */
    void unclaim(UUID id) {
        jdbc.update("update channel_inbound set claimed_until = null, attempts = greatest(attempts - 1, 0) where id = ? and status = 'pending'", id);
    }

    /** Takes the row for {@code lease} if it is pending and nobody holds it. */
    Optional<Inbound> claim(UUID id, Duration lease) {
        Instant now = clock.instant();
        return jdbc.query("update channel_inbound set claimed_until = ?, attempts = attempts + 1 "
                + "where id = ? and status = 'pending' and (claimed_until is null or claimed_until < ?) returning " + COLUMNS,
                InboundRows::map, Timestamp.from(now.plus(lease)), id, Timestamp.from(now)).stream().findFirst();
    }

    /** Settles a claimed row; false when it was settled already (the caller's transaction then rolls back). */
    boolean finish(UUID id, String status, @Nullable UUID messageId) {
        return jdbc.update("update channel_inbound set status = ?, message_id = ?, processed_at = ?, claimed_until = null, last_error = null "
                + "where id = ? and status = 'pending'", status, messageId, Timestamp.from(clock.instant()), id) == 1;
    }

    /** Gives the row back after a failure: pending again for the job, or failed after too many attempts. */
    void release(UUID id, String error, int maxAttempts) {
        jdbc.update("update channel_inbound set claimed_until = null, last_error = ?, "
                + "status = case when attempts >= ? then 'failed' else status end where id = ? and status = 'pending'",
                truncate(error, 2000), maxAttempts, id);
    }

    /** Rows still pending after {@code delay} and not held by anyone: their processing was lost or failed. */
    List<UUID> overdue(Duration delay, int limit) {
        Instant now = clock.instant();
        return jdbc.queryForList("select id from channel_inbound where status = 'pending' and received_at < ? "
                + "and (claimed_until is null or claimed_until < ?) order by received_at limit ?", UUID.class,
                Timestamp.from(now.minus(delay)), Timestamp.from(now), limit);
    }

    /** The event key of the follower's latest QR scan (SCAN, or subscribe through a scene QR) since {@code since}. */
    Optional<String> latestScan(UUID accountId, String fromUser, Instant since, Instant until) {
        return jdbc.queryForList("""
                select event_key from channel_inbound
                where account_id = ? and from_user = ? and received_at between ? and ?
                  and (event = 'SCAN' or (event = 'subscribe' and event_key like 'qrscene\\_%'))
                order by received_at desc limit 1""", String.class, accountId, fromUser, Timestamp.from(since),
                Timestamp.from(until)).stream().findFirst();
    }

    /** Deletes up to {@code limit} settled rows received before {@code before}; pending ones stay. */
    int purgeSettled(Instant before, int limit) {
        return jdbc.update("delete from channel_inbound where id in (select id from channel_inbound where status <> 'pending' "
                + "and received_at < ? limit ?)", Timestamp.from(before), limit);
    }

    Optional<Inbound> find(UUID id) {
        return jdbc.query("select " + COLUMNS + " from channel_inbound where id = ?", InboundRows::map, id).stream().findFirst();
    }

    private static Inbound map(ResultSet rs, int rowNum) throws SQLException {
        return new Inbound(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class), rs.getObject("account_id", UUID.class),
                rs.getString("channel"), rs.getString("dedupe_key"), rs.getString("msg_type"), rs.getString("event"), rs.getString("event_key"),
                rs.getString("from_user"), rs.getString("raw_xml"), rs.getString("status"), rs.getInt("attempts"),
                rs.getTimestamp("received_at").toInstant());
    }

    static @Nullable String truncate(@Nullable String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
