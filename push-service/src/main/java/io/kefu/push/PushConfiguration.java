package io.kefu.push;

import java.time.Clock;

import io.kefu.common.config.LiveProperties;
import io.kefu.push.dispatch.DispatchProperties;
import io.kefu.push.sender.PacingProperties;
import io.kefu.push.sender.SenderProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class PushConfiguration {

    @Bean
    LiveProperties<DispatchProperties> dispatchProperties(Environment environment) {
        return LiveProperties.bind(environment, DispatchProperties.class);
    }

    @Bean
    LiveProperties<SenderProperties> senderProperties(Environment environment) {
        return LiveProperties.bind(environment, SenderProperties.class);
    }

    @Bean
    LiveProperties<PacingProperties> pacingProperties(Environment environment) {
        return LiveProperties.bind(environment, PacingProperties.class);
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
