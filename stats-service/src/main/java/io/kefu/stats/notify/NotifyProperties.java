package io.kefu.stats.notify;

import java.net.URI;
import java.util.List;
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
 * {@code kefu.stats.notify.*}, hot: where daily reports and alert emails go. They are sent by
 * push-service (its internal API) from the tenant's own email templates; auth publishes no email
 * addresses, so each tenant's admin recipients are configured here.
 *
 * @param pushUrl    push-service's base URL ({@code POST /internal/push/send})
 * @param priority   push priority of reports and alerts (0–10)
 * @param reportHour a tenant's report of yesterday is sent at the first run at or after this hour of its day
 * @param tenants    tenant id → recipients and templates
 */
@Validated
@ConfigurationProperties("kefu.stats.notify")
public record NotifyProperties(
        @DefaultValue("http://127.0.0.1:8084") @NotNull URI pushUrl,
        @DefaultValue("5") @Min(0) @Max(10) int priority,
        @DefaultValue("8") @Min(0) @Max(23) int reportHour,
        @DefaultValue Map<String, TenantNotices> tenants) {

    /**
     * @param recipients     the tenant's admins' email addresses
     * @param reportTemplate push template (email channel) of the daily report: variables {@code day} and {@code report}
     * @param alertTemplate  push template (email channel) of alerts: variables {@code alert} and {@code detail}
     */
    public record TenantNotices(@DefaultValue List<String> recipients, @Nullable UUID reportTemplate, @Nullable UUID alertTemplate) {
    }

    public @Nullable TenantNotices of(UUID tenant) {
        return tenants == null ? null : tenants.get(tenant.toString());
    }
}
