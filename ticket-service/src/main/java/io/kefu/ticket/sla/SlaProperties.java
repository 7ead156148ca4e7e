package io.kefu.ticket.sla;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.ticket.sla.*}, hot.
 *
 * @param calendar        the business calendar of every tenant without its own
 * @param tenantCalendars a tenant's own calendar, keyed by tenant id
 * @param targets         targets per priority (low, normal, high, urgent); a missing one uses the built-in default
 * @param typeTargets     overrides per ticket type (written with dashes: system-issue, renewal-question, ...) and priority
 * @param batchSize       open tickets one run of the SLA job reads at most
 */
@Validated
@ConfigurationProperties("kefu.ticket.sla")
public record SlaProperties(
        @DefaultValue @Valid @NotNull Calendar calendar,
        @Nullable Map<String, Calendar> tenantCalendars,
        @Nullable Map<String, Target> targets,
        @Nullable Map<String, Map<String, Target>> typeTargets,
        @DefaultValue("1000") @Min(1) @Max(100_000) int batchSize) {

    /**
     * @param zone        e.g. Asia/Shanghai
     * @param workdays    MONDAY … SUNDAY
     * @param open        HH:mm
     * @param close       HH:mm, after open
     * @param holidays    yyyy-MM-dd days off
     * @param workingDays yyyy-MM-dd days worked although not in workdays (调休)
     */
    public record Calendar(@DefaultValue("Asia/Shanghai") String zone,
            @DefaultValue({"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"}) List<java.time.DayOfWeek> workdays,
            @DefaultValue("09:00") String open, @DefaultValue("18:00") String close,
            @DefaultValue({}) List<String> holidays, @DefaultValue({}) List<String> workingDays) {

        public Calendar {
            toCalendar(zone, workdays, open, close, holidays, workingDays); // refused at bind time when it does not parse
        }

        public BusinessCalendar toCalendar() {
            return toCalendar(zone, workdays, open, close, holidays, workingDays);
        }

        private static BusinessCalendar toCalendar(String zone, List<java.time.DayOfWeek> workdays, String open, String close,
                List<String> holidays, List<String> workingDays) {
            return new BusinessCalendar(java.time.ZoneId.of(zone), java.util.Set.copyOf(workdays), java.time.LocalTime.parse(open),
                    java.time.LocalTime.parse(close), holidays.stream().map(java.time.LocalDate::parse).collect(java.util.stream.Collectors.toSet()),
                    workingDays.stream().map(java.time.LocalDate::parse).collect(java.util.stream.Collectors.toSet()));
        }
    }

    public record Target(@NotNull Duration firstResponse, @NotNull Duration resolution) {
    }
}
