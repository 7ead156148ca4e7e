package io.kefu.chat.conversation;

import java.time.Clock;

import io.kefu.common.config.LiveProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class ConversationConfiguration {

    @Bean
    LiveProperties<ConversationProperties> conversationProperties(Environment environment) {
        return LiveProperties.bind(environment, ConversationProperties.class);
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        // PostgreSQL keeps microseconds: ticking in microseconds makes a receipt's timestamps equal to the stored ones.
        return Clock.tick(Clock.systemUTC(), java.time.Duration.ofNanos(1000));
    }
}
