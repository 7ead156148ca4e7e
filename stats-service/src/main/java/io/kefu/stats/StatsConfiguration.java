package io.kefu.stats;

import java.time.Clock;

import io.kefu.common.config.LiveProperties;
import io.kefu.stats.alert.AlertProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class StatsConfiguration {

    @Bean
    LiveProperties<StatsProperties> statsProperties(Environment environment) {
        return LiveProperties.bind(environment, StatsProperties.class);
    }

    @Bean
    LiveProperties<AlertProperties> alertProperties(Environment environment) {
        return LiveProperties.bind(environment, AlertProperties.class);
    }

    @Bean
    LiveProperties<io.kefu.stats.notify.NotifyProperties> notifyProperties(Environment environment) {
        return LiveProperties.bind(environment, io.kefu.stats.notify.NotifyProperties.class);
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
