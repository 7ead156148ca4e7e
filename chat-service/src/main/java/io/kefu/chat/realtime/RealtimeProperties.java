package io.kefu.chat.realtime;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.chat.realtime.*}. Origins, frame limits, heartbeats and the presence keys apply at start;
 * the presence and token-check timings are hot.
 *
 * @param allowedOrigins     origin patterns for the WebSocket handshake; mini-programs send no Origin. At start.
 * @param messageSizeLimit   largest inbound STOMP message (bytes). At start.
 * @param heartbeat          server and expected client heartbeat interval. At start.
 * @param presenceTtl        a session not refreshed for this long counts as gone (an instance that died)
 * @param presenceRefresh    how often an instance keeps its sessions counting; shorter than the TTL
 * @param presenceSweep      how often every instance looks for users whose sessions all lapsed
 * @param presenceClaimLease how long a claimed announcement may stay unconfirmed before a sweep takes it
 *                           over (its instance died, or publishing failed)
 * @param presenceKeys       prefix of the presence keys in Redis; every instance of a fleet uses the same. At start.
 * @param tokenCheck         how often the tokens of sessions that send nothing are checked (expiry, revocation)
 * @param connectTimeout     a socket that has not sent a valid CONNECT (with its token) within this long is closed
 *                           (1008 policy violation); bounds idle unauthenticated sockets and half-sent frames. At start.
 * @param frameDbPermits     how many client frames (SEND, receipts, typing) may use or wait for a pooled connection at
 *                           once; about twice the pool's size (a SEND holds its connection for part of its time only). At start.
 * @param frameDbWait        how long a frame waits for one of those before it is refused with 503 service-unavailable
 *                           (a SEND's refusal carries its clientMsgId); well under three heartbeats, since a session's
 *                           heartbeats wait behind its frames. At start.
 * @param presenceDbPermits  how many presence announcements may use the database at once. At start.
 * @param relayExchange      the fanout exchange through which instances relay frames to each other's sessions; the
 *                           same on every instance of a fleet (tests use their own). At start.
 */
@Validated
@ConfigurationProperties("kefu.chat.realtime")
public record RealtimeProperties(
        @DefaultValue("*") @NotEmpty List<String> allowedOrigins,
        @DefaultValue("65536") @Min(1024) int messageSizeLimit,
        @DefaultValue("10s") @NotNull Duration heartbeat,
        @DefaultValue("90s") @NotNull Duration presenceTtl,
        @DefaultValue("30s") @NotNull Duration presenceRefresh,
        @DefaultValue("15s") @NotNull Duration presenceSweep,
        @DefaultValue("10s") @NotNull Duration presenceClaimLease,
        @DefaultValue("kefu:chat:presence") @NotEmpty String presenceKeys,
        @DefaultValue("30s") @NotNull Duration tokenCheck,
        @DefaultValue("10s") @NotNull Duration connectTimeout,
        @DefaultValue("kefu.chat.realtime") @NotEmpty String relayExchange,
        @DefaultValue("20") @Min(1) int frameDbPermits,
        @DefaultValue("2s") @NotNull Duration frameDbWait,
        @DefaultValue("2") @Min(1) int presenceDbPermits) {

    public RealtimeProperties {
        // Bound again on every refresh, where a throw keeps the last good values (LiveProperties).
        for (Duration d : List.of(presenceTtl, presenceRefresh, presenceSweep, presenceClaimLease, tokenCheck, connectTimeout, frameDbWait)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("kefu.chat.realtime durations must be positive, got " + d);
            }
        }
        if (presenceRefresh.compareTo(presenceTtl) >= 0) {
            throw new IllegalArgumentException("kefu.chat.realtime.presence-refresh (" + presenceRefresh
                    + ") must be shorter than presence-ttl (" + presenceTtl + "), or live sessions lapse");
        }
    }
}
