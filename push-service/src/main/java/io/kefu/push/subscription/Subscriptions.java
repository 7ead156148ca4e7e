package io.kefu.push.subscription;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Mini-program subscribe authorisations (seed 000's push_subscriptions): each row allows exactly one
 * message for one (openid, WeChat template id); sending takes one (oldest first, unexpired) and a failed
 * send gives it back. Taking is one conditional statement with skip locked, so two senders never take
 * the same authorisation.
 */
@Component
public class Subscriptions {

    private final JdbcClient jdbc;
    private final Clock clock;

    Subscriptions(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Records one authorisation per template id the user accepted. */
    public int record(UUID tenantId, String openid, List<String> wxTemplateIds) {
        Instant now = clock.instant();
        int n = 0;
        for (String templateId : wxTemplateIds) {
            n += jdbc.sql("insert into subscription (id, tenant_id, openid, wx_template_id, subscribed_at) values (?, ?, ?, ?, ?)")
                    .params(UUID.randomUUID(), tenantId, openid, templateId, Timestamp.from(now)).update();
        }
        return n;
    }

    public boolean take(UUID tenantId, String openid, String wxTemplateId, UUID messageId) {
        Instant now = clock.instant();
        return jdbc.sql("""
                update subscription set consumed_at = :now, consumed_by = :message
                where id = (select id from subscription
                            where tenant_id = :tenant and openid = :openid and wx_template_id = :template and consumed_at is null
                              and (expires_at is null or expires_at > :now)
                            order by subscribed_at limit 1 for update skip locked)""")
                .param("now", Timestamp.from(now)).param("message", messageId).param("tenant", tenantId).param("openid", openid)
                .param("template", wxTemplateId).update() == 1;
    }

    public void giveBack(UUID messageId) {
        jdbc.sql("update subscription set consumed_at = null, consumed_by = null where consumed_by = ?").param(messageId).update();
    }

    public long available(UUID tenantId, String openid, String wxTemplateId) {
        return jdbc.sql("""
                select count(*) from subscription where tenant_id = ? and openid = ? and wx_template_id = ? and consumed_at is null
                  and (expires_at is null or expires_at > ?)""")
                .params(tenantId, openid, wxTemplateId, Timestamp.from(clock.instant())).query(Long.class).single();
    }
}
