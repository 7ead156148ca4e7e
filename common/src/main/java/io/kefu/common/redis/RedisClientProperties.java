package io.kefu.common.redis;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.redis.*}: how many threads and idle connections each service's Redisson client keeps. At start.
 *
 * @param threads      Redisson's executor for listeners and callbacks (its default: 16)
 * @param nettyThreads Netty event loops for the Redis connections (its default: 32); a few serve a busy service's
 *                     connections, since each loop multiplexes many sockets
 * @param minIdle      connections opened at start and kept open (its default: 24); the pool still grows to its
 *                     maximum (64) under load
 */
@Validated
@ConfigurationProperties("kefu.redis")
public record RedisClientProperties(
        @DefaultValue("4") @Min(1) @Max(64) int threads,
        @DefaultValue("4") @Min(1) @Max(64) int nettyThreads,
        @DefaultValue("4") @Min(0) @Max(64) int minIdle) {
}
