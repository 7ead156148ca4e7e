package io.kefu.ticket.provider;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A keyset position in a list ordered by {@code (created_at desc, id)}: the last row a client saw. Sent as
 * {@code after} and answered as {@code nextCursor}, it is opaque to clients (base64url of the row's
 * creation time in microseconds, as PostgreSQL keeps it, and its id). Reading on from it costs the same
 * at any depth, and rows added meanwhile neither repeat nor shift the next page, as {@code page} would.
 */
public record PageCursor(Instant createdAt, UUID id) {

    public static PageCursor of(Instant createdAt, UUID id) {
        return new PageCursor(createdAt.truncatedTo(ChronoUnit.MICROS), id);
    }

    public String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
        return Base64.getUrlEncoder().withoutPadding().encodeToString((micros + "~" + id).getBytes(StandardCharsets.US_ASCII));
    }

    /** A 400 naming {@code after} when the text is not a cursor of these lists. */
    public static PageCursor parse(String text) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text.strip()), StandardCharsets.US_ASCII);
            int tilde = plain.indexOf('~');
            if (tilde < 1) {
                throw new IllegalArgumentException("no separator");
            }
            long micros = Long.parseLong(plain.substring(0, tilde));
            return new PageCursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), UUID.fromString(plain.substring(tilde + 1)));
        } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
            throw Inputs.invalid("after", "not a cursor of this list (use nextCursor as answered)");
        }
    }

    /**
     * The condition "after this row" in the order {@code created_at desc, id} for the table alias
     * {@code a} (a mixed-direction order, so no row comparison): its arguments are added to {@code args}.
     */
    public String condition(@Nullable String alias, List<Object> args) {
        String p = alias == null ? "" : alias + ".";
        OffsetDateTime at = OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC);
        args.add(at);
        args.add(at);
        args.add(id);
        return " and (" + p + "created_at < ? or (" + p + "created_at = ? and " + p + "id > ?))";
    }
}
