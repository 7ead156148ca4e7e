package io.kefu.stats;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.stats.*}, hot (through LiveProperties: Nacos or POST /actuator/refresh).
 *
 * @param defaultZone      a tenant's day (reports, rollups, "today") in this zone unless {@code zones} names another
 * @param zones            tenant id → time zone
 * @param deflectionWindow an AI-answered conversation counts as deflected when the customer opens no new one within this
 * @param retention        stored events, conversations and measurements older than this are deleted by the clean-up job
 * @param rollupRetention  rollups older than this are deleted by the clean-up job
 * @param maxRangeDays     longest date range the API answers
 * @param maxPageSize      largest page of a drill-down
 * @param streamInterval   how often the live stream checks for changed tenants and pushes a new snapshot
 * @param pushMetrics      push-service's Prometheus endpoint, read for the sender pool gauge (none: no gauge)
 */
@Validated
@ConfigurationProperties("kefu.stats")
public record StatsProperties(
        @DefaultValue("Asia/Shanghai") @NotNull ZoneId defaultZone,
        @DefaultValue Map<String, ZoneId> zones,
        @DefaultValue("24h") @NotNull Duration deflectionWindow,
        @DefaultValue("400d") @NotNull Duration retention,
        @DefaultValue("1100d") @NotNull Duration rollupRetention,
        @DefaultValue("366") @Min(1) @Max(3660) int maxRangeDays,
        @DefaultValue("200") @Min(1) @Max(10_000) int maxPageSize,
        @DefaultValue("300ms") @NotNull Duration streamInterval,
        @Nullable URI pushMetrics) {

    public ZoneId zoneOf(UUID tenantId) {
        ZoneId zone = zones == null ? null : zones.get(tenantId.toString());
        return zone == null ? defaultZone : zone;
    }
}
