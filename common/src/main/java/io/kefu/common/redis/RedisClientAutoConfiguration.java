package io.kefu.common.redis;

import org.redisson.spring.starter.RedissonAutoConfigurationCustomizer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Redisson sized for a service on a small machine. Its defaults (16 executor threads, 32 Netty event loops,
 * 24 connections opened at start) are made for one big client per host; eight services on two cores would keep
 * ~380 threads and ~200 Redis connections doing nothing, at start-up CPU and idle memory a service pays for
 * (measured in the root README's "Start-up and memory").
 */
@AutoConfiguration(beforeName = "org.redisson.spring.starter.RedissonAutoConfigurationV4")
@ConditionalOnClass(RedissonAutoConfigurationCustomizer.class)
@EnableConfigurationProperties(RedisClientProperties.class)
public class RedisClientAutoConfiguration {

    @Bean
    RedissonAutoConfigurationCustomizer kefuRedissonSizing(RedisClientProperties sizing) {
        return config -> {
            config.setThreads(sizing.threads());
            config.setNettyThreads(sizing.nettyThreads());
            if (config.isSingleConfig()) {
                // useSingleServer() returns the server configuration the starter already made from spring.data.redis.*
                config.useSingleServer().setConnectionMinimumIdleSize(sizing.minIdle()).setSubscriptionConnectionMinimumIdleSize(1);
            }
        };
    }
}
