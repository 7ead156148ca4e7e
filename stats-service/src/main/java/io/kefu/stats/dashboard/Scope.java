package io.kefu.stats.dashboard;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.stats.StatsProperties;
import io.kefu.stats.metric.Tenants;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Whose figures and which days a request asks for. Supervisors and admins see their own tenant
 * (naming another is a 404, as if it did not exist); the superadmin names any tenant stats has seen.
 * Dates are days of the tenant's time zone, both ends included, at most {@code maxRangeDays} apart.
 */
@Component
class Scope {

    static final ProblemType UNKNOWN_TENANT = new ProblemType("tenant-not-found", HttpStatus.NOT_FOUND, "No such tenant");
    static final ProblemType BAD_RANGE = new ProblemType("invalid-range", HttpStatus.BAD_REQUEST, "Invalid date range");
    static final ProblemType TENANT_REQUIRED = new ProblemType("tenant-required", HttpStatus.BAD_REQUEST, "Name a tenant");

    record Range(UUID tenant, ZoneId zone, LocalDate from, LocalDate to) {

        java.time.Instant start() {
            return from.atStartOfDay(zone).toInstant();
        }

        java.time.Instant end() {
            return to.plusDays(1).atStartOfDay(zone).toInstant();
        }
    }

    private final Tenants tenants;
    private final LiveProperties<StatsProperties> properties;
    private final Clock clock;

    Scope(Tenants tenants, LiveProperties<StatsProperties> properties, Clock clock) {
        this.tenants = tenants;
        this.properties = properties;
        this.clock = clock;
    }

    UUID tenant(@Nullable String requested) {
        KefuPrincipal principal = KefuPrincipal.require();
        UUID asked = null;
        if (requested != null && !requested.isBlank()) {
            try {
                asked = UUID.fromString(requested.strip());
            } catch (IllegalArgumentException e) {
                throw new KefuProblemException(UNKNOWN_TENANT, "No tenant " + Texts.shorten(requested));
            }
        }
        if (principal.isSuperadmin()) {
            if (asked == null) {
                asked = principal.tenantId();
            }
            if (asked == null) {
                throw new KefuProblemException(TENANT_REQUIRED, "The superadmin names a tenant with ?tenantId=");
            }
            if (!tenants.exists(asked)) {
                throw new KefuProblemException(UNKNOWN_TENANT, "No tenant " + asked);
            }
            return asked;
        }
        UUID own = principal.tenantId();
        if (own == null || (asked != null && !asked.equals(own))) {
            throw new KefuProblemException(UNKNOWN_TENANT, "No tenant " + (asked == null ? "" : asked));
        }
        return own;
    }

    Range range(@Nullable String tenantId, @Nullable String from, @Nullable String to, int defaultDays) {
        UUID tenant = tenant(tenantId);
        ZoneId zone = properties.get().zoneOf(tenant);
        LocalDate today = LocalDate.now(clock.withZone(zone));
        LocalDate end = day(to, "to", today);
        LocalDate start = day(from, "from", end.minusDays(defaultDays - 1L));
        if (start.isAfter(end)) {
            throw new KefuProblemException(BAD_RANGE, "from is after to", Map.of("from", start.toString(), "to", end.toString()));
        }
        int max = properties.get().maxRangeDays();
        if (ChronoUnit.DAYS.between(start, end) + 1 > max) {
            throw new KefuProblemException(BAD_RANGE, "A range covers at most " + max + " days");
        }
        return new Range(tenant, zone, start, end);
    }

    Range today(@Nullable String tenantId) {
        return range(tenantId, null, null, 1);
    }

    /** Today of a tenant already checked (the live stream, outside the request). */
    Range todayOf(UUID tenant) {
        ZoneId zone = properties.get().zoneOf(tenant);
        LocalDate today = LocalDate.now(clock.withZone(zone));
        return new Range(tenant, zone, today, today);
    }

    private static LocalDate day(@Nullable String value, String name, LocalDate fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            LocalDate day = LocalDate.parse(value.strip());
            if (day.getYear() < 2000 || day.getYear() > 2999) {
                throw new KefuProblemException(BAD_RANGE, name + " is out of range: " + day);
            }
            return day;
        } catch (DateTimeParseException e) {
            throw new KefuProblemException(BAD_RANGE, name + " must be a date like 2026-11-29, was " + Texts.shorten(value));
        }
    }
}
