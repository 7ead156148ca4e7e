package io.kefu.common.config;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/** Rebinds {@link LiveProperties} beans on Spring Cloud's environment changes (refresh, Nacos). */
@AutoConfiguration
@ConditionalOnClass(name = "org.springframework.cloud.context.environment.EnvironmentChangeEvent")
public class LiveConfigAutoConfiguration {

    @Bean
    LivePropertiesRefresher kefuLivePropertiesRefresher(ListableBeanFactory beans) {
        return new LivePropertiesRefresher(beans);
    }
}
