package io.kefu.ticket.linking;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.remote.RemoteCalls;
import io.kefu.ticket.linking.ClientLinks.Candidate;
import io.kefu.ticket.linking.ClientLinks.Linked;
import io.kefu.ticket.provider.Caller;
import io.kefu.ticket.provider.Inputs;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A chat customer (from the Official Account) proves a phone number with an SMS code and becomes the
 * provider's customer with that phone. No enumeration: asking for a code answers the same whether or
 * not any customer has the number (an SMS goes out only when one has), and every failed verification
 * answers the same {@code code-invalid} — wrong, expired, used, dead after {@code max-attempts}, or a
 * number nobody has. Limits: one code per {@code resend-after} and {@code max-codes-per-day} per
 * customer, {@code max-codes-per-phone} an hour per number whoever asks.
 */
@Component
class PhoneCodes {

    static final ProblemType CODE_INVALID = new ProblemType("code-invalid", HttpStatus.BAD_REQUEST, "The code is not valid");
    static final ProblemType SMS_UNAVAILABLE = new ProblemType("sms-unavailable", HttpStatus.SERVICE_UNAVAILABLE,
            "Linking by phone is not set up for this tenant");
    private static final Pattern MOBILE = Pattern.compile("1[3-9][0-9]{9}");
    private static final SecureRandom RANDOM = new SecureRandom();

    record Requested(boolean accepted, long expiresInSeconds, long resendAfterSeconds) {
    }

    record Verified(List<Linked> linked) {
    }

    private record Attempted(UUID id, String hash, boolean matched, String phone) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ClientLinks links;
    private final RemoteCalls remoteCalls;
    private final CodeSms sms;
    private final CodeSecrets secrets;
    private final LiveProperties<LinkProperties> properties;
    private final Clock clock;

    PhoneCodes(JdbcClient jdbc, TransactionTemplate tx, ClientLinks links, RemoteCalls remoteCalls, CodeSms sms, CodeSecrets secrets,
            LiveProperties<LinkProperties> properties, Clock clock) {
        this.secrets = secrets;
        this.jdbc = jdbc;
        this.tx = tx;
        this.links = links;
        this.remoteCalls = remoteCalls;
        this.sms = sms;
        this.properties = properties;
        this.clock = clock;
    }

    Requested request(Caller caller, @Nullable String phone) {
        requireCustomer(caller);
        String digits = mobile(phone);
        LinkProperties p = properties.get();
        UUID template = p.smsTemplates().get(caller.tenantId().toString());
        if (template == null) {
            throw new KefuProblemException(SMS_UNAVAILABLE, "This tenant has no SMS template for linking codes (kefu.ticket.links.sms-templates)");
        }
        return tx.execute(status -> {
            // One request of a customer at a time, so the limits below cannot be raced.
            jdbc.sql("select pg_advisory_xact_lock(?)").param(caller.userId().getMostSignificantBits() ^ caller.userId().getLeastSignificantBits())
                    .query((rs, i) -> 1).list();
            Instant now = clock.instant();
            Instant last = jdbc.sql("select created_at from phone_code where chat_customer_id = ? order by created_at desc limit 1")
                    .param(caller.userId()).query(Timestamp.class).optional().map(Timestamp::toInstant).orElse(null);
            if (last != null && last.plus(p.resendAfter()).isAfter(now)) {
                throw limited("Ask for another code after " + p.resendAfter().toSeconds() + " s",
                        Duration.between(now, last.plus(p.resendAfter())).toSeconds() + 1);
            }
            long today = count("chat_customer_id = ?", caller.userId(), now.minus(Duration.ofDays(1)));
            if (today >= p.maxCodesPerDay()) {
                throw limited("At most " + p.maxCodesPerDay() + " codes a day", 3600);
            }
            long toPhone = count("tenant_id = ? and phone = ?", List.of(caller.tenantId(), digits), now.minus(Duration.ofHours(1)));
            if (toPhone >= p.maxCodesPerPhone()) {
                throw limited("Too many codes for this number; try again later", 3600);
            }
            List<Candidate> candidates = links.byPhone(caller.tenantId(), digits);
            UUID id = UUID.randomUUID();
            String code = "%06d".formatted(RANDOM.nextInt(1_000_000));
            jdbc.sql("""
                            insert into phone_code (id, tenant_id, chat_customer_id, phone, code_hash, matched, attempts, created_at, expires_at)
                            values (?, ?, ?, ?, ?, ?, 0, ?, ?)""")
                    .params(id, caller.tenantId(), caller.userId(), digits, secrets.hash(id, code), !candidates.isEmpty(), Timestamp.from(now),
                            Timestamp.from(now.plus(p.codeTtl()))).update();
            if (!candidates.isEmpty()) {
                remoteCalls.enqueue(sms, id.toString(), new CodeSms.Sms(caller.tenantId(), id, template, digits, secrets.seal(code)));
            }
            return new Requested(true, p.codeTtl().toSeconds(), p.resendAfter().toSeconds());
        });
    }

    Verified verify(Caller caller, @Nullable String phone, @Nullable String code) {
        requireCustomer(caller);
        String digits = mobile(phone);
        String given = Inputs.text("code", code, 16);
        if (!given.matches("[0-9]{6}")) {
            throw Inputs.invalid("code", "six digits");
        }
        // The attempt is counted in a transaction of its own, committed whatever the outcome.
        Verified verified = tx.execute(status -> {
            Instant now = clock.instant();
            Attempted attempted = jdbc.sql("""
                            update phone_code set attempts = attempts + 1
                            where id = (select id from phone_code where chat_customer_id = ? and tenant_id = ? and phone = ? and used_at is null
                                        and expires_at > ? order by created_at desc limit 1 for update)
                              and attempts < ?
                            returning id, code_hash, matched, phone""")
                    .params(caller.userId(), caller.tenantId(), digits, Timestamp.from(now), properties.get().maxAttempts())
                    .query((rs, i) -> new Attempted(rs.getObject(1, UUID.class), rs.getString(2), rs.getBoolean(3), rs.getString(4)))
                    .optional().orElse(null);
            if (attempted == null || !attempted.matched()
                    || !MessageDigest.isEqual(secrets.hash(attempted.id(), given).getBytes(StandardCharsets.US_ASCII),
                            attempted.hash().getBytes(StandardCharsets.US_ASCII))) {
                return null;
            }
            jdbc.sql("update phone_code set used_at = ? where id = ?").params(Timestamp.from(now), attempted.id()).update();
            links.link(caller.tenantId(), caller.userId(), links.byPhone(caller.tenantId(), digits), "phone");
            return new Verified(links.of(caller.tenantId(), caller.userId()));
        });
        if (verified == null) {
            throw new KefuProblemException(CODE_INVALID, "The code is wrong, expired or used up; ask for a new one");
        }
        return verified;
    }

    private long count(String where, Object arg, Instant since) {
        return count(where, List.of(arg), since);
    }

    private long count(String where, List<Object> args, Instant since) {
        var params = new java.util.ArrayList<>(args);
        params.add(Timestamp.from(since));
        return jdbc.sql("select count(*) from phone_code where " + where + " and created_at > ?").params(params).query(Long.class).single();
    }

    private static KefuProblemException limited(String detail, long retryAfterSeconds) {
        return new KefuProblemException(ProblemType.RATE_LIMITED, detail, Map.of("retryAfter", retryAfterSeconds));
    }

    private static void requireCustomer(Caller caller) {
        if (!caller.isCustomer()) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Only a chat customer links themselves to a provider's customer");
        }
    }

    /** A mainland mobile number, spaces, dashes and a +86 prefix allowed; its 11 digits. */
    static String mobile(@Nullable String phone) {
        String raw = Inputs.text("phone", phone, 32);
        String digits = raw.replaceAll("[\\s\\-()]", "");
        if (digits.startsWith("+86")) {
            digits = digits.substring(3);
        } else if (digits.startsWith("86") && digits.length() == 13) {
            digits = digits.substring(2);
        }
        if (!MOBILE.matcher(digits).matches()) {
            throw Inputs.invalid("phone", "a mainland mobile number of 11 digits");
        }
        return digits;
    }
}
