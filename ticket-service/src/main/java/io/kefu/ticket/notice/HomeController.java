package io.kefu.ticket.notice;

import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.ticket.provider.Caller;
import io.kefu.ticket.provider.Providers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Seed 004 §1.2.2: the provider's home in one call. handlingRate = tickets resolved or closed / all
 * tickets of the provider (0 when there are none), rounded to 4 places. activeCustomers = customers
 * whose licence has not expired ({@code active} or {@code expiring}).
 */
@RestController
@Tag(name = "home", description = "provider: home counters")
class HomeController {

    record Home(UUID serviceProviderId, String serviceProviderName, long pendingTickets, long unreadMessages, long customers,
            long activeCustomers, long totalTickets, long resolvedTickets, double handlingRate) {
    }

    private final JdbcClient jdbc;
    private final Providers providers;

    HomeController(JdbcClient jdbc, Providers providers) {
        this.jdbc = jdbc;
        this.providers = providers;
    }

    @GetMapping("/api/home")
    @Operation(summary = "Pending tickets, unread messages, customers, active customers, ticket handling rate")
    @Transactional(readOnly = true)
    Home home() {
        Caller caller = Caller.require();
        if (!caller.isProvider()) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "The home page belongs to service providers");
        }
        UUID tenant = caller.tenantId();
        UUID provider = caller.userId();
        long[] t = jdbc.sql("""
                select count(*) filter (where status in ('open', 'processing')), count(*),
                       count(*) filter (where status in ('resolved', 'closed'))
                from ticket where tenant_id = ? and provider_id = ?""").params(tenant, provider)
                .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}).single();
        long[] c = jdbc.sql("""
                select count(*), count(*) filter (where expiry_date >= (now() at time zone 'Asia/Shanghai')::date)
                from client where tenant_id = ? and provider_id = ?""").params(tenant, provider)
                .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
        long unread = jdbc.sql("select count(*) from notice where tenant_id = ? and provider_id = ? and read_status = 'unread'")
                .params(tenant, provider).query(Long.class).single();
        double rate = t[1] == 0 ? 0 : Math.round(10_000.0 * t[2] / t[1]) / 10_000.0;
        return new Home(provider, providers.nameOf(tenant, provider), t[0], unread, c[0], c[1], t[1], t[2], rate);
    }
}
