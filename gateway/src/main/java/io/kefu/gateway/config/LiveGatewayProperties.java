package io.kefu.gateway.config;

import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The current {@link KefuGatewayProperties}. A record cannot be rebound in place, so this holder binds
 * a fresh one whenever Spring Cloud reports an environment change ({@code POST /actuator/refresh},
 * Nacos), and readers call {@link #get()} per request instead of keeping a copy.
 */
@Component
public class LiveGatewayProperties {

    public static final String PREFIX = "kefu.gateway";

    private final Environment environment;
    private final AtomicReference<KefuGatewayProperties> current = new AtomicReference<>();

    public LiveGatewayProperties(Environment environment) {
        this.environment = environment;
        rebind();
    }

    public KefuGatewayProperties get() {
        return current.get();
    }

    @EventListener(EnvironmentChangeEvent.class)
    public void rebind() {
        current.set(Binder.get(environment).bindOrCreate(PREFIX, KefuGatewayProperties.class));
    }
}
