package io.kefu.auth.config;

import java.time.Clock;

import io.kefu.common.config.LiveProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class AuthConfiguration {

    @Bean
    LiveProperties<AuthProperties> authProperties(Environment environment) {
        return LiveProperties.bind(environment, AuthProperties.class);
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
