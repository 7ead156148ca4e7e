package io.kefu.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts a whole application instance against {@link KefuInfrastructure}, for tests that need
 * more than one instance (job ticks, cross-instance delivery) or settings that differ per instance
 * (a broker reached through a {@link TcpProxy}). Overrides are passed as command-line arguments,
 * so they win over every file.
 */
public final class KefuApps {

    private KefuApps() {
    }

    public static ConfigurableApplicationContext start(Class<?> application, Map<String, ?> overrides) {
        Map<String, Object> properties = new LinkedHashMap<>(KefuInfrastructure.springProperties());
        properties.put("server.port", "0");
        properties.putAll(overrides);
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new SpringApplicationBuilder(application).run(args);
    }

    public static int port(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port", "-1"));
    }
}
