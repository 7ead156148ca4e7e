package io.kefu.kbai.review;

import io.kefu.common.config.LiveProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class ReviewConfiguration {

    @Bean
    LiveProperties<ReviewProperties> reviewProperties(Environment environment) {
        return LiveProperties.bind(environment, ReviewProperties.class);
    }
}
