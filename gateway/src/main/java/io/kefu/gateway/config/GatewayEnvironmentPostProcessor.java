package io.kefu.gateway.config;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * The gateway's share of the suite's start-up switches (the servlet services get theirs from
 * kefu-common's KefuEnvironmentPostProcessor, which the reactive gateway does not depend on):
 * <ul>
 * <li>{@code OTEL_EXPORTER_OTLP_ENDPOINT} (the collector's base URL) becomes Boot's OTLP trace endpoint,
 * so the gateway exports the root span of every request — without it each trace would start with a
 * parent that never arrives. Unset, nothing is exported and nothing warns.</li>
 * <li>{@code KEFU_LOG_FORMAT} ({@code ecs}, {@code logstash} or {@code gelf}) switches console logs to
 * Boot's structured JSON, which carries the trace and span ids.</li>
 * <li>Nacos config (data id {@code gateway.yaml}) only when {@code NACOS_SERVER_ADDR} is set, as in the
 * services: without a server an enabled client fails the start or retries gRPC forever, so it is off
 * and the {@code optional:nacos:} import is skipped. A change there rebinds {@link LiveGatewayProperties}
 * and rebuilds the routes, like {@code POST /actuator/refresh}.</li>
 * </ul>
 */
public class GatewayEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 5;
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
        }
        String format = environment.getProperty("KEFU_LOG_FORMAT");
        if (StringUtils.hasText(format)) {
            switches.put("logging.structured.format.console", format);
        }
        environment.getPropertySources().addLast(new MapPropertySource("kefuGatewaySwitches", switches));
    }
}
