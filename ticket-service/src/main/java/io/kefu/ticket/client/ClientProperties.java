package io.kefu.ticket.client;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.ticket.client.*}, hot.
 *
 * @param expiringDays      a licence is {@code expiring} from this many days before its expiry date
 * @param renewalNoticeDays the daily job raises the customer alert and the renewal_question ticket this many days ahead (once)
 * @param zone              the tenants' time zone: what "today" is for expiry dates
 * @param batchSize         customers one run of the daily job notifies at most
 */
@Validated
@ConfigurationProperties("kefu.ticket.client")
public record ClientProperties(
        @DefaultValue("30") @Min(0) @Max(3650) int expiringDays,
        @DefaultValue("30") @Min(0) @Max(3650) int renewalNoticeDays,
        @DefaultValue("Asia/Shanghai") @NotBlank String zone,
        @DefaultValue("500") @Min(1) @Max(100_000) int batchSize) {
}
