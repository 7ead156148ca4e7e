package io.kefu.ticket.ticket;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.ticket.tickets.*}, hot.
 *
 * @param closeAfter  a resolved ticket with no change for this long is closed by the daily job
 * @param supportName the assignee name an escalated ticket shows (the tenant's PC-side support staff)
 * @param batchSize   tickets one run of a job changes at most
 */
@Validated
@ConfigurationProperties("kefu.ticket.tickets")
public record TicketProperties(
        @DefaultValue("7d") @NotNull Duration closeAfter,
        @DefaultValue("客服中心") @NotBlank String supportName,
        @DefaultValue("1000") @Min(1) @Max(100_000) int batchSize) {
}
