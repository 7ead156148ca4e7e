package io.kefu.chat.upload;

import io.kefu.common.config.LiveProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class UploadConfiguration {

    @Bean
    LiveProperties<UploadProperties> uploadProperties(Environment environment) {
        return LiveProperties.bind(environment, UploadProperties.class);
    }
}
