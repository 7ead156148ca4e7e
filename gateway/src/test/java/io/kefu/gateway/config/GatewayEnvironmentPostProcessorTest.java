package io.kefu.gateway.config;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayEnvironmentPostProcessorTest {

    private final GatewayEnvironmentPostProcessor processor = new GatewayEnvironmentPostProcessor();

    @Test
    void theCollectorNamedByTheStandardVariableReceivesTheGatewaysSpans() {
        MockEnvironment none = new MockEnvironment();
        processor.postProcessEnvironment(none, new SpringApplication());
        assertThat(none.getProperty("management.opentelemetry.tracing.export.otlp.endpoint")).isNull();

        MockEnvironment some = new MockEnvironment().withProperty("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4318/");
        processor.postProcessEnvironment(some, new SpringApplication());
        assertThat(some.getProperty("management.opentelemetry.tracing.export.otlp.endpoint")).isEqualTo("http://otel:4318/v1/traces");
    }

    @Test
    void logsBecomeJsonOnlyWhenAFormatIsNamed() {
        MockEnvironment plain = new MockEnvironment();
        processor.postProcessEnvironment(plain, new SpringApplication());
        assertThat(plain.getProperty("logging.structured.format.console")).isNull();

        MockEnvironment json = new MockEnvironment().withProperty("KEFU_LOG_FORMAT", "ecs");
        processor.postProcessEnvironment(json, new SpringApplication());
        assertThat(json.getProperty("logging.structured.format.console")).isEqualTo("ecs");
    }

    @Test
    void nacosConfigIsReadOnlyWhenAServerIsNamed() {
        MockEnvironment none = new MockEnvironment();
        processor.postProcessEnvironment(none, new SpringApplication());
        assertThat(none.getProperty("spring.cloud.nacos.config.enabled")).isEqualTo("false");
        assertThat(none.getProperty("spring.cloud.nacos.discovery.enabled")).isEqualTo("false");

        MockEnvironment some = new MockEnvironment().withProperty("NACOS_SERVER_ADDR", "nacos:8848");
        processor.postProcessEnvironment(some, new SpringApplication());
        assertThat(some.getProperty("spring.cloud.nacos.config.enabled")).isEqualTo("true");
        assertThat(some.getProperty("spring.cloud.nacos.config.server-addr")).isEqualTo("nacos:8848");
        assertThat(some.getProperty("spring.cloud.nacos.discovery.enabled")).as("the gateway routes by URL, never by discovery").isEqualTo("false");
    }
}
