package io.kefu.stats.alert;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.stats.alerts.*}, hot: the rules of seed 001's alerts and where they go.
 *
 * @param queueWaitOver     a customer waiting for a human longer than this opens an incident (per tenant)
 * @param pushSuccessBelow  push success rate over {@code pushWindow} below this opens one (per tenant) ...
 * @param pushMinSamples    ... once at least this many sends were seen in the window
 * @param pushWindow        the window of the push rule
 * @param services          service name → base URL whose {@code /actuator/health/readiness} must answer 200
 * @param webhooks          WeCom or Feishu group-bot URLs; each incident is posted once to each
 * @param webhookFormat     {@code wecom} ({"msgtype":"text",...}) or {@code feishu} ({"msg_type":"text",...})
 * @param maxAttempts       a notification that failed this many times is given up (state failed)
 */
@Validated
@ConfigurationProperties("kefu.stats.alerts")
public record AlertProperties(
        @DefaultValue("10m") @NotNull Duration queueWaitOver,
        @DefaultValue("0.95") @DecimalMin("0") @DecimalMax("1") double pushSuccessBelow,
        @DefaultValue("20") @Min(1) int pushMinSamples,
        @DefaultValue("15m") @NotNull Duration pushWindow,
        @DefaultValue Map<String, String> services,
        @DefaultValue List<String> webhooks,
        @DefaultValue("wecom") @NotNull String webhookFormat,
        @DefaultValue("5") @Min(1) int maxAttempts) {
}
