package io.kefu.common.input;

import java.time.Clock;

import io.kefu.common.config.LiveProperties;
import org.redisson.api.RedissonClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.core.env.Environment;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.JacksonModule;

/**
 * Text from outside, one rule for every servlet service: no U+0000 anywhere ({@link NulTextModule}
 * for JSON — Boot registers every {@code JacksonModule} bean with the application's {@code JsonMapper},
 * which the HTTP and the STOMP converters both use — and {@link NulRequestInterceptor} for the rest);
 * and the per-account ceiling of platform callbacks ({@link CallbackLimiter}).
 */
@AutoConfiguration(beforeName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
        afterName = "org.redisson.spring.starter.RedissonAutoConfigurationV4")
@ConditionalOnClass(JacksonModule.class)
public class InputAutoConfiguration {

    @Bean
    NulTextModule kefuNulTextModule() {
        return new NulTextModule();
    }

    @Bean
    LiveProperties<CallbackProperties> kefuCallbackProperties(Environment environment) {
        return LiveProperties.bind(environment, CallbackProperties.class);
    }

    @Bean
    @ConditionalOnBean(RedissonClient.class)
    @ConditionalOnMissingBean
    CallbackLimiter kefuCallbackLimiter(RedissonClient redisson, LiveProperties<CallbackProperties> properties) {
        return new CallbackLimiter(redisson, properties, Clock.systemUTC());
    }

    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    WebMvcConfigurer kefuNulRequestInterceptor() {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(new NulRequestInterceptor());
            }
        };
    }
}
