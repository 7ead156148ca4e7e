package io.kefu.common.remote;

import java.time.Clock;
import java.util.UUID;

import com.xxl.job.core.context.XxlJobHelper;
import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.config.LiveProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** {@link RemoteCalls} for a service with a database; its kinds are the service's {@link RemoteCallKind} beans. */
@AutoConfiguration(afterName = {
        "io.kefu.common.event.EventsAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
        "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration"})
@ConditionalOnBean({JdbcTemplate.class, PlatformTransactionManager.class})
public class RemoteCallsAutoConfiguration {

    @Bean
    LiveProperties<RemoteCallsProperties> kefuRemoteCallsProperties(Environment environment) {
        return LiveProperties.bind(environment, RemoteCallsProperties.class);
    }

    @Bean
    RemoteCalls kefuRemoteCalls(JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
            LiveProperties<RemoteCallsProperties> properties, ObjectProvider<Clock> clock, ObjectProvider<RemoteCallKind<?>> kinds,
            @Value("${spring.application.name}") String app, ObjectProvider<MeterRegistry> meters) {
        return new RemoteCalls(jdbc, new TransactionTemplate(transactionManager), properties, clock.getIfAvailable(Clock::systemUTC),
                kinds, app + "/" + UUID.randomUUID(),
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    @Bean
    RemoteCallSweep kefuRemoteCallSweep(RemoteCalls remoteCalls) {
        return new RemoteCallSweep(remoteCalls);
    }

    /**
     * Job {@code remote-call-sweep}, one for every service (its schedule in kefu-common-defaults): makes
     * calls that are due (retries after a backoff, calls whose worker never came), settles claims whose
     * lease ran out with no outcome by their kind's rule, and deletes settled calls past their retention.
     * Safe on several instances at once: each call is claimed by one statement before it is made.
     */
    public static class RemoteCallSweep {

        private final RemoteCalls remoteCalls;

        RemoteCallSweep(RemoteCalls remoteCalls) {
            this.remoteCalls = remoteCalls;
        }

        @XxlJob("remote-call-sweep")
        public RemoteCalls.Swept sweep() {
            RemoteCalls.Swept swept = remoteCalls.sweep();
            XxlJobHelper.log("made {} due calls, settled {} lost outcomes, resent {}, deleted {}", swept.made(), swept.lost(),
                    swept.resent(), swept.purged());
            return swept;
        }
    }
}
