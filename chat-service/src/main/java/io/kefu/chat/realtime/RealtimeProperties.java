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
 * {@code kefu.chat.realtime.*}. Origins, frame limits and heartbeats apply at start; the presence
 * and token-check settings are hot.
 *
 * @param allowedOrigins   origin patterns for the WebSocket handshake; mini-programs send no Origin
 * @param messageSizeLimit largest inbound STOMP message (bytes)
 * @param heartbeat        server and expected client heartbeat interval
 * @param presenceTtl      a session not refreshed for this long counts as gone (an instance that died)
 * @param tokenCheck       how often the tokens of sessions that send nothing are checked (expiry, revocation)
 */
@Validated
@ConfigurationProperties("kefu.chat.realtime")
public record RealtimeProperties(
        @DefaultValue("*") @NotEmpty List<String> allowedOrigins,
        @DefaultValue("65536") @Min(1024) int messageSizeLimit,
        @DefaultValue("10s") @NotNull Duration heartbeat,
        @DefaultValue("90s") @NotNull Duration presenceTtl,
        @DefaultValue("30s") @NotNull Duration tokenCheck) {
}
