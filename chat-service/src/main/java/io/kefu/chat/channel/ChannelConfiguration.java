package io.kefu.chat.channel;

import java.util.List;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.security.KefuSecurityCustomizer;
import io.kefu.common.security.SecretCipher;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;

@Configuration(proxyBeanMethods = false)
class ChannelConfiguration {

    @Bean
    LiveProperties<ChannelProperties> channelProperties(Environment environment) {
        return LiveProperties.bind(environment, ChannelProperties.class);
    }

    /** Seals channel secrets at rest; the key is this service's own ({@code KEFU_CHAT_SECRET_KEY}). */
    @Bean
    SecretCipher channelSecretCipher(@Value("${kefu.chat.secret-key}") String secretKey, Environment environment) {
        return new SecretCipher(secretKey, "KEFU_CHAT_SECRET_KEY", environment);
    }

    @Bean
    KefuSecurityCustomizer channelSecurityRules() {
        return new KefuSecurityCustomizer() {
            @Override
            public List<String> publicPaths() {
                // WeChat calls these; they are authenticated by signatures instead of tokens.
                return List.of("/callback/mp/**", "/callback/wecom/**");
            }

            @Override
            public void authorize(AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry requests) {
                requests.requestMatchers("/api/admin/channels", "/api/admin/channels/**").hasRole("admin");
            }
        };
    }
}
