package io.kefu.common.config;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.StringUtils;

/**
 * Settings every service shares, applied before the application's own files are read:
 * <ul>
 * <li>the defaults of {@code kefu-common-defaults.properties}, as default properties, so a
 * service's {@code application.yml} or the environment can override each of them;</li>
 * <li>Nacos config only when {@code NACOS_SERVER_ADDR} is set: without a server, an enabled Nacos
 * client either fails the start or retries gRPC forever, so it is switched off and the
 * {@code optional:nacos:} import is skipped;</li>
 * <li>OTLP export only when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set, so a machine with no
 * collector does not log an export failure every minute.</li>
 * <li>JSON logs (Boot's structured logging, with trace and span ids) when {@code KEFU_LOG_FORMAT} is
 * {@code ecs}, {@code logstash} or {@code gelf}; plain text otherwise.</li>
 * </ul>
 * Runs before Boot's config-data processing, which is what decides whether a nacos: import resolves.
 */
public class KefuEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String DEFAULTS = "kefu-common-defaults.properties";

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 5; // before ConfigDataEnvironmentPostProcessor (+10)
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> switches = new HashMap<>();
        String nacos = environment.getProperty("NACOS_SERVER_ADDR");
        boolean nacosOn = StringUtils.hasText(nacos);
        switches.put("spring.cloud.nacos.config.enabled", nacosOn);
        switches.put("spring.cloud.nacos.config.import-check.enabled", false);
        switches.put("spring.cloud.nacos.discovery.enabled", false);
        if (nacosOn) {
            switches.put("spring.cloud.nacos.config.server-addr", nacos);
        }
        String otlp = environment.getProperty("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (StringUtils.hasText(otlp)) {
            String base = otlp.endsWith("/") ? otlp.substring(0, otlp.length() - 1) : otlp;
            switches.put("management.opentelemetry.tracing.export.otlp.endpoint", base + "/v1/traces");
            switches.put("management.opentelemetry.logging.export.otlp.endpoint", base + "/v1/logs");
        }
        String logFormat = environment.getProperty("KEFU_LOG_FORMAT");
        if (StringUtils.hasText(logFormat)) {
            // Boot's structured logging (ecs, logstash, gelf): JSON lines with trace and span ids.
            switches.put("logging.structured.format.console", logFormat);
        }
        environment.getPropertySources().addLast(new MapPropertySource("kefuSwitches", switches));
        try {
            Properties defaults = new Properties();
            try (var in = new ClassPathResource(DEFAULTS).getInputStream()) {
                defaults.load(in);
            }
            Map<String, Object> map = new HashMap<>();
            defaults.forEach((k, v) -> map.put((String) k, v));
            // "defaultProperties" always stays last, below the application's own files.
            DefaultPropertiesPropertySource.addOrMerge(map, environment.getPropertySources());
        } catch (IOException e) {
            throw new IllegalStateException("kefu-common is missing " + DEFAULTS, e);
        }
    }
}
