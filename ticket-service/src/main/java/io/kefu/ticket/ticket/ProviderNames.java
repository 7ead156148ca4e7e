package io.kefu.ticket.ticket;

import io.kefu.ticket.provider.Providers.ProviderRenamed;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Tickets keep their assignee's name (the provider's, as it was when the ticket was opened); a provider
 * renamed in auth renames it on the tickets still assigned to them, in the transaction that applied the
 * update. The version is bumped so a request that read the ticket before fails its optimistic check
 * instead of writing the old name back. History rows keep the name the operator had at the time.
 */
@Component
class ProviderNames {

    private final JdbcClient jdbc;

    ProviderNames(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventListener
    void renamed(ProviderRenamed renamed) {
        jdbc.sql("""
                update ticket set assignee_name = ?, version = version + 1
                where tenant_id = ? and provider_id = ? and assignee_id = ? and assignee_name is distinct from ?""")
                .params(renamed.name(), renamed.tenantId(), renamed.providerId(), renamed.providerId(), renamed.name()).update();
    }
}
