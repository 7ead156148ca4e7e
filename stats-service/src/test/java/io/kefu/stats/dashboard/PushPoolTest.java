package io.kefu.stats.dashboard;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PushPoolTest {

    @Test
    void poolUseIsBusySendersOverConfiguredSendersOfEveryChannel() {
        String scrape = """
                # HELP kefu_push_pool_active\s
                # TYPE kefu_push_pool_active gauge
                kefu_push_pool_active{application="push-service",channel="sms"} 6.0
                kefu_push_pool_active{application="push-service",channel="email"} 1.0
                # TYPE kefu_push_pool_size gauge
                kefu_push_pool_size{application="push-service",channel="sms"} 8.0
                kefu_push_pool_size{application="push-service",channel="email"} 4.0
                kefu_push_pool_sizes_other{channel="sms"} 100.0
                """;
        assertThat(PushPool.parse(scrape)).isEqualTo(7.0 / 12);
    }

    @Test
    void noPoolsMeansNoGauge() {
        assertThat(PushPool.parse("jvm_threads_live_threads 42.0\n")).isNull();
        assertThat(PushPool.parse("kefu_push_pool_size{channel=\"sms\"} 0.0\nkefu_push_pool_active{channel=\"sms\"} 0.0\n")).isNull();
    }
}
