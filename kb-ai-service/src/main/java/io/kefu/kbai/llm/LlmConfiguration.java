package io.kefu.kbai.llm;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.security.SecretCipher;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class LlmConfiguration {

    @Bean
    LiveProperties<LlmProperties> llmProperties(Environment environment) {
        return LiveProperties.bind(environment, LlmProperties.class);
    }

    /** Seals tenants' model keys at rest; the key is this service's own ({@code KEFU_KBAI_SECRET_KEY}). */
    @Bean
    SecretCipher modelKeyCipher(@Value("${kefu.kbai.secret-key}") String secretKey, Environment environment) {
        return new SecretCipher(secretKey, "KEFU_KBAI_SECRET_KEY", environment);
    }
}
