package io.kefu.auth.config;

import java.time.Clock;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.security.SecretCipher;
import org.springframework.beans.factory.annotation.Value;
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

    /** Seals mini-program secrets and private signing keys at rest. */
    @Bean
    SecretCipher secretCipher(@Value("${kefu.auth.secret-key}") String secretKey, Environment environment) {
        return new SecretCipher(secretKey, "KEFU_AUTH_SECRET_KEY", environment);
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
