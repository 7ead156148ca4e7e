package io.kefu.ticket;

import java.time.Clock;

import io.kefu.common.config.LiveProperties;
import io.kefu.ticket.client.ClientProperties;
import io.kefu.ticket.linking.LinkProperties;
import io.kefu.ticket.sla.SlaProperties;
import io.kefu.ticket.ticket.StaffAlertProperties;
import io.kefu.ticket.ticket.TicketProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Service-wide beans: the clock and the hot tunables of each feature. */
@Configuration(proxyBeanMethods = false)
class TicketConfiguration {

    @Bean
    LiveProperties<ClientProperties> clientProperties(Environment environment) {
        return LiveProperties.bind(environment, ClientProperties.class);
    }

    @Bean
    LiveProperties<SlaProperties> slaProperties(Environment environment) {
        return LiveProperties.bind(environment, SlaProperties.class);
    }

    @Bean
    LiveProperties<TicketProperties> ticketProperties(Environment environment) {
        return LiveProperties.bind(environment, TicketProperties.class);
    }

    @Bean
    LiveProperties<StaffAlertProperties> staffAlertProperties(Environment environment) {
        return LiveProperties.bind(environment, StaffAlertProperties.class);
    }

    @Bean
    LiveProperties<LinkProperties> linkProperties(Environment environment) {
        return LiveProperties.bind(environment, LinkProperties.class);
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
