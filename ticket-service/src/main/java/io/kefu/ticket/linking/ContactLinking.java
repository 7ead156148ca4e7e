package io.kefu.ticket.linking;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kefu.common.event.EventHandlers;
import io.kefu.common.event.MalformedEventException;
import io.kefu.ticket.binding.StaffDirectory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.messaging.Message;

/**
 * A WeCom employee added an external contact ({@code chat.wecom.contact-added.v1}, exchange kefu.chat,
 * group {@code ticket-contacts}): the contact's chat customer is linked automatically when it can be
 * told whose customer they are, in this order —
 * <ol>
 *   <li>the contact-way {@code state} carries a phone ({@code tel:13800000000}, {@code tel-…}): the
 *       employee's "contact me" QR code made for that customer;</li>
 *   <li>else the employee recorded exactly one project ({@code #记录客户}) in the last {@value #RECENT_DAYS}
 *       days that has no chat customer yet: that project's phone.</li>
 * </ol>
 * The phone links the tenant's customers with that number (via {@code wecom}) and gives the employee's
 * projects with that phone to the chat customer. An adder who is no active staff member of the tenant,
 * or a contact that matches nothing, links nothing (nothing to guess). Runs in the inbox transaction.
 */
@Configuration(proxyBeanMethods = false)
class ContactLinking {

    private static final Logger log = LoggerFactory.getLogger(ContactLinking.class);
    static final int RECENT_DAYS = 7;
    private static final Pattern STATE_PHONE = Pattern.compile("(?:tel|phone)[:_-]?(\\+?86)?(1[3-9][0-9]{9})");

    /** chat's record of the event (its own fields, read from chat's sample by a test). */
    record ContactAdded(String corpId, String externalUserId, String followUserId, UUID customerId, @Nullable String state,
            String changeType) {
    }

    @Bean
    Consumer<Message<byte[]>> contactEvents(EventHandlers handlers, StaffDirectory staff, ClientLinks links, JdbcClient jdbc, Clock clock) {
        return handlers.consumer("ticket-contacts")
                .on("chat.wecom.contact-added.v1", ContactAdded.class, (data, envelope) -> {
                    UUID tenant;
                    try {
                        tenant = UUID.fromString(envelope.tenantId());
                    } catch (RuntimeException e) {
                        throw new MalformedEventException(envelope.type() + " " + envelope.id() + " has no tenant", e);
                    }
                    var employee = staff.byWecomUser(tenant, data.followUserId());
                    if (employee.isEmpty()) {
                        return;
                    }
                    UUID staffId = employee.get().id();
                    String phone = phoneOf(data.state());
                    if (phone == null) {
                        List<String> recent = jdbc.sql("""
                                        select phone from project where tenant_id = ? and owner_staff_id = ? and chat_customer_id is null
                                        and created_at > ? order by created_at desc limit 2""")
                                .params(tenant, staffId, Timestamp.from(clock.instant().minus(Duration.ofDays(RECENT_DAYS))))
                                .query(String.class).list();
                        phone = recent.size() == 1 ? digits(recent.getFirst()) : null;
                    }
                    if (phone == null) {
                        log.debug("WeCom contact {} of {} matches no customer", data.externalUserId(), data.followUserId());
                        return;
                    }
                    links.link(tenant, data.customerId(), links.byPhone(tenant, phone), "wecom");
                    jdbc.sql("""
                                    update project set chat_customer_id = ?, updated_at = ? where tenant_id = ? and owner_staff_id = ?
                                    and chat_customer_id is null and right(regexp_replace(phone, '[^0-9]', '', 'g'), 11) = ?""")
                            .params(data.customerId(), Timestamp.from(clock.instant()), tenant, staffId, phone).update();
                })
                .build();
    }

    static @Nullable String phoneOf(@Nullable String state) {
        if (state == null) {
            return null;
        }
        Matcher m = STATE_PHONE.matcher(state.strip());
        return m.matches() ? m.group(2) : null;
    }

    private static @Nullable String digits(@Nullable String phone) {
        if (phone == null) {
            return null;
        }
        String d = phone.replaceAll("[^0-9]", "");
        return d.length() >= 11 ? d.substring(d.length() - 11) : null;
    }
}
