package io.kefu.kbai;

import java.time.Clock;

import io.kefu.common.config.LiveProperties;
import io.kefu.kbai.retrieval.RetrievalProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class KbAiConfiguration {

    @Bean
    LiveProperties<RetrievalProperties> retrievalProperties(Environment environment) {
        return LiveProperties.bind(environment, RetrievalProperties.class);
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
