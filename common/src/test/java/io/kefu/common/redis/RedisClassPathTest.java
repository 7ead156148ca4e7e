package io.kefu.common.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.util.ClassUtils;

class RedisClassPathTest {

    /** On the class path, Spring's ReactiveAdapterRegistry links ~500 RxJava classes into every service at start. */
    @Test
    void rxJavaStaysOffTheClassPathThoughRedissonDependsOnIt() {
        assertThat(ClassUtils.isPresent("io.reactivex.rxjava3.core.Flowable", getClass().getClassLoader())).isFalse();
        assertThat(ClassUtils.isPresent("org.redisson.api.RedissonClient", getClass().getClassLoader())).isTrue();
    }
}
