package io.kefu.ticket.sla;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.ticket.sla.SlaProperties.Target;
import org.springframework.stereotype.Component;

/** The SLA targets and calendar that apply to a tenant's ticket, read from the live properties each time. */
@Component
public class SlaPolicy {

    /** Built-in targets (business time) for a priority no configuration names. */
    static final Map<String, SlaTarget> DEFAULTS = Map.of(
            "urgent", new SlaTarget(Duration.ofMinutes(30), Duration.ofHours(4)),
            "high", new SlaTarget(Duration.ofHours(1), Duration.ofHours(9)),
            "normal", new SlaTarget(Duration.ofHours(4), Duration.ofHours(27)),
            "low", new SlaTarget(Duration.ofHours(9), Duration.ofHours(45)));

    private final LiveProperties<SlaProperties> properties;
    private final Clock clock;

    SlaPolicy(LiveProperties<SlaProperties> properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /** {@code type} and {@code priority} as the API writes them (system_issue, normal). */
    public SlaTarget target(String type, String priority) {
        SlaProperties p = properties.get();
        if (p.typeTargets() != null) {
            Map<String, Target> forType = p.typeTargets().get(type.replace('_', '-'));
            if (forType != null && forType.get(priority) != null) {
                Target t = forType.get(priority);
                return new SlaTarget(t.firstResponse(), t.resolution());
            }
        }
        if (p.targets() != null && p.targets().get(priority) != null) {
            Target t = p.targets().get(priority);
            return new SlaTarget(t.firstResponse(), t.resolution());
        }
        return DEFAULTS.getOrDefault(priority, DEFAULTS.get("normal"));
    }

    public BusinessCalendar calendar(UUID tenantId) {
        SlaProperties p = properties.get();
        SlaProperties.Calendar own = p.tenantCalendars() == null ? null : p.tenantCalendars().get(tenantId.toString());
        return (own != null ? own : p.calendar()).toCalendar();
    }

    public SlaClock clock(UUID tenantId) {
        return new SlaClock(calendar(tenantId), clock);
    }

    public int batchSize() {
        return properties.get().batchSize();
    }
}
