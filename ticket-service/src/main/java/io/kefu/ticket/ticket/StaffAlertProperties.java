package io.kefu.ticket.ticket;

import java.util.Map;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.ticket.staff-alerts.*}, hot: how the tenant's support staff hear of an escalation or an SLA
 * breach, through push-service (its URL is {@code kefu.ticket.links.push-url}).
 *
 * @param templates     per tenant id, push-service's template (a WeCom app message: channel {@code wechat}, kind
 *                      {@code wecom}) with exactly the variables {@code event, title, customer, reason, ticketId};
 *                      a tenant without one is not alerted (the ticket is still in staff's escalated list)
 * @param departments   per tenant id, the department (as auth names it) whose staff are alerted; none = every
 *                      active staff member of the tenant with a WeCom userid
 * @param maxRecipients staff alerted at most per escalation or breach (the first by id), so a misconfigured
 *                      tenant cannot fan one ticket out to thousands of messages
 * @param priority      push-service priority of the alerts (0–10)
 */
@Validated
@ConfigurationProperties("kefu.ticket.staff-alerts")
public record StaffAlertProperties(
        @DefaultValue Map<String, UUID> templates,
        @DefaultValue Map<String, String> departments,
        @DefaultValue("50") @Min(1) @Max(1000) int maxRecipients,
        @DefaultValue("7") @Min(0) @Max(10) int priority) {

    public StaffAlertProperties {
        templates = templates == null ? Map.of() : Map.copyOf(templates);
        departments = departments == null ? Map.of() : Map.copyOf(departments);
    }
}
