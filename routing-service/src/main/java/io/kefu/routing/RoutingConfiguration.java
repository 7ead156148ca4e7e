package io.kefu.routing;

import java.time.Clock;

import io.kefu.common.config.LiveProperties;
import io.kefu.routing.queue.RoutingProperties;
import io.kefu.routing.timeout.TimeoutProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class RoutingConfiguration {

    @Bean
    LiveProperties<RoutingProperties> routingProperties(Environment environment) {
        return LiveProperties.bind(environment, RoutingProperties.class);
    }

    @Bean
    LiveProperties<TimeoutProperties> timeoutProperties(Environment environment) {
        return LiveProperties.bind(environment, TimeoutProperties.class);
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
