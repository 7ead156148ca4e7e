package io.kefu.common.config;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class KefuEnvironmentPostProcessorTest {

    private final KefuEnvironmentPostProcessor processor = new KefuEnvironmentPostProcessor();

    @Test
    void withoutANacosAddressNacosConfigIsSwitchedOffSoTheOptionalImportIsSkipped() {
        MockEnvironment env = new MockEnvironment();
        processor.postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty("spring.cloud.nacos.config.enabled", Boolean.class)).isFalse();
        assertThat(env.getProperty("spring.cloud.nacos.discovery.enabled", Boolean.class)).isFalse();
    }

    @Test
    void aNacosAddressSwitchesNacosConfigOnWithThatServer() {
        MockEnvironment env = new MockEnvironment().withProperty("NACOS_SERVER_ADDR", "nacos:8848");
        processor.postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty("spring.cloud.nacos.config.enabled", Boolean.class)).isTrue();
        assertThat(env.getProperty("spring.cloud.nacos.config.server-addr")).isEqualTo("nacos:8848");
    }

    @Test
    void otlpExportIsConfiguredOnlyWhenACollectorIsNamed() {
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

        MockEnvironment json = new MockEnvironment().withProperty("KEFU_LOG_FORMAT", "logstash");
        processor.postProcessEnvironment(json, new SpringApplication());
        assertThat(json.getProperty("logging.structured.format.console")).isEqualTo("logstash");
    }

    @Test
    void sharedDefaultsSitBelowTheServicesOwnSettings() {
        MockEnvironment env = new MockEnvironment().withProperty("spring.rabbitmq.connection-timeout", "9s");
        processor.postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty("spring.rabbitmq.connection-timeout")).isEqualTo("9s");
        assertThat(env.getProperty("spring.rabbitmq.publisher-confirm-type")).isEqualTo("correlated");
    }
}
