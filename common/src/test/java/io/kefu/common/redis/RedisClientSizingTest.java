package io.kefu.common.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.redisson.config.Config;
import org.redisson.config.SingleServerConfig;
import org.redisson.spring.starter.RedissonAutoConfigurationCustomizer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class RedisClientSizingTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RedisClientAutoConfiguration.class));

    /** The server configuration the starter made (its address kept), sized by the customizer. */
    private static SingleServerConfig customized(RedissonAutoConfigurationCustomizer customizer, Config config) {
        SingleServerConfig server = config.useSingleServer().setAddress("redis://127.0.0.1:6379");
        customizer.customize(config);
        return server;
    }

    @Test
    void aServiceKeepsAFewThreadsAndConnectionsInsteadOfRedissonsDefaults() {
        context.run(ctx -> {
            Config config = new Config();
            SingleServerConfig server = customized(ctx.getBean(RedissonAutoConfigurationCustomizer.class), config);
            assertThat(config.getThreads()).isEqualTo(4);
            assertThat(config.getNettyThreads()).isEqualTo(4);
            assertThat(server.getConnectionMinimumIdleSize()).isEqualTo(4);
            assertThat(server.getSubscriptionConnectionMinimumIdleSize()).isEqualTo(1);
            assertThat(server.getAddress()).isEqualTo("redis://127.0.0.1:6379");
            assertThat(server.getConnectionPoolSize()).as("still grows to Redisson's maximum under load").isEqualTo(64);
        });
    }

    @Test
    void theSizesAreSettings() {
        context.withPropertyValues("kefu.redis.threads=2", "kefu.redis.netty-threads=8", "kefu.redis.min-idle=0").run(ctx -> {
            Config config = new Config();
            SingleServerConfig server = customized(ctx.getBean(RedissonAutoConfigurationCustomizer.class), config);
            assertThat(config.getThreads()).isEqualTo(2);
            assertThat(config.getNettyThreads()).isEqualTo(8);
            assertThat(server.getConnectionMinimumIdleSize()).isZero();
        });
    }
}
