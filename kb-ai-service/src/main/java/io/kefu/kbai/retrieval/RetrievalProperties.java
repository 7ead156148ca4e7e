package io.kefu.kbai.retrieval;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.kbai.retrieval.*}, hot (refresh or Nacos).
 *
 * @param autoThreshold   a best hit scoring above this is sent at once (band auto)
 * @param draftThreshold  at or above this (and not auto) the answer is drafted for review (band draft)
 * @param tenants         per-tenant overrides of the two thresholds, by tenant id
 * @param calibration     the fitted calibration's weights (see {@code Calibration}); refit with {@code RetrievalQualityBenchmark}
 * @param calibrationSteps the isotonic map from the weights' log-odds to P(correct): z0, p0, z1, p1, …
 * @param maxQueryChars   a longer question is cut to its first this-many characters before search
 * @param syncInterval    how often an instance reads the change log (other instances' changes)
 */
@Validated
@ConfigurationProperties("kefu.kbai.retrieval")
public record RetrievalProperties(
        @DefaultValue("0.9") @DecimalMin("0.0") @DecimalMax("1.0") double autoThreshold,
        @DefaultValue("0.6") @DecimalMin("0.0") @DecimalMax("1.0") double draftThreshold,
        @DefaultValue Map<String, @Valid Thresholds> tenants,
        @DefaultValue({"-6.580", "9.870", "4.159", "1.652", "-3.902", "-2.373", "0.257", "-0.203", "0.485"}) @NotNull @Size(min = 9, max = 9) List<Double> calibration,
        @DefaultValue({"-1000.000", "0.000", "-2.306", "0.053", "-1.512", "0.066", "-0.956", "0.109", "-0.761", "0.125", "-0.591",
            "0.273", "0.095", "0.461", "0.496", "0.492", "0.828", "0.524", "1.021", "0.701", "1.738", "0.781", "2.225", "0.888", "3.299",
            "0.980"}) @NotNull List<Double> calibrationSteps,
        @DefaultValue("512") @Min(16) @Max(10_000) int maxQueryChars,
        @DefaultValue("200ms") @NotNull Duration syncInterval) {

    /** A tenant's thresholds; a missing value takes the service-wide one. */
    public record Thresholds(
            @DecimalMin("0.0") @DecimalMax("1.0") Double auto,
            @DecimalMin("0.0") @DecimalMax("1.0") Double draft) {
    }

    public double autoThreshold(java.util.UUID tenantId) {
        Thresholds t = tenants.get(tenantId.toString());
        return t == null || t.auto() == null ? autoThreshold : t.auto();
    }

    public double draftThreshold(java.util.UUID tenantId) {
        Thresholds t = tenants.get(tenantId.toString());
        return t == null || t.draft() == null ? draftThreshold : t.draft();
    }
}
