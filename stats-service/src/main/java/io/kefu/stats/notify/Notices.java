package io.kefu.stats.notify;

import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.remote.RemoteCalls;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Daily reports and alert emails to a tenant's admins, through push-service. Each email is a remote call
 * enqueued in the caller's transaction and keyed so that deciding it twice (a job run again, two
 * instances) sends it once: {@code report:<tenant>:<day>:<recipient>}, {@code alert:<incident>:<recipient>}.
 */
@Component
public class Notices {

    private final RemoteCalls remoteCalls;
    private final PushSend pushSend;
    private final LiveProperties<NotifyProperties> properties;

    Notices(RemoteCalls remoteCalls, PushSend pushSend, LiveProperties<NotifyProperties> properties) {
        this.remoteCalls = remoteCalls;
        this.pushSend = pushSend;
        this.properties = properties;
    }

    /** Tenants with report recipients and a report template. */
    public java.util.Set<UUID> reportingTenants() {
        java.util.Set<UUID> out = new java.util.HashSet<>();
        properties.get().tenants().forEach((id, t) -> {
            if (t.reportTemplate() != null && !t.recipients().isEmpty()) {
                out.add(UUID.fromString(id));
            }
        });
        return out;
    }

    public int reportHour() {
        return properties.get().reportHour();
    }

    /** Enqueues the day's report to each recipient (inside a transaction); the number newly enqueued. */
    public int report(UUID tenant, LocalDate day, String text) {
        NotifyProperties.TenantNotices t = properties.get().of(tenant);
        if (t == null || t.reportTemplate() == null) {
            return 0;
        }
        int added = 0;
        for (String recipient : t.recipients()) {
            PushSend.Notice notice = new PushSend.Notice(tenant, t.reportTemplate(), recipient, Map.of("day", day.toString(), "report", text),
                    properties.get().priority(), "daily report " + day);
            added += remoteCalls.enqueue(pushSend, "report:" + tenant + ":" + day + ":" + recipient, notice) ? 1 : 0;
        }
        return added;
    }

    /** Enqueues an alert email to each recipient of the tenant (inside the transaction that opened the incident). */
    public int alert(@Nullable UUID tenant, String incident, String alert, String detail) {
        NotifyProperties.TenantNotices t = tenant == null ? null : properties.get().of(tenant);
        if (t == null || t.alertTemplate() == null) {
            return 0;
        }
        int added = 0;
        for (String recipient : t.recipients()) {
            PushSend.Notice notice = new PushSend.Notice(tenant, t.alertTemplate(), recipient, Map.of("alert", alert, "detail", detail),
                    properties.get().priority(), "alert " + incident);
            added += remoteCalls.enqueue(pushSend, "alert:" + incident + ":" + recipient, notice) ? 1 : 0;
        }
        return added;
    }
}
