package io.kefu.common.config;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;

/** Rebinds every {@link LiveProperties} bean when Spring Cloud reports a change of the environment. */
public class LivePropertiesRefresher implements ApplicationListener<EnvironmentChangeEvent> {

    private final ListableBeanFactory beans;

    public LivePropertiesRefresher(ListableBeanFactory beans) {
        this.beans = beans;
    }

    @Override
    public void onApplicationEvent(EnvironmentChangeEvent event) {
        beans.getBeansOfType(LiveProperties.class).values().forEach(LiveProperties::rebind);
    }
}
