package io.kefu.kbai.intent;

import io.kefu.common.config.LiveProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class IntentConfiguration {

    @Bean
    LiveProperties<IntentProperties> intentProperties(Environment environment) {
        return LiveProperties.bind(environment, IntentProperties.class);
    }
}
