package io.kefu.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.kefu.common.config.LiveProperties;
import io.kefu.push.dispatch.DispatchProperties;
import io.kefu.push.sender.PacingProperties;
import io.kefu.push.sender.SenderProperties;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.mock.env.MockEnvironment;

/** Every tunable binds with nothing configured (make run), and a bad value is refused with its key. */
class PushPropertiesTest {

    @Test
    void defaultsBindWithNothingConfigured() {
        StandardEnvironment empty = new StandardEnvironment();
        DispatchProperties dispatch = LiveProperties.bind(empty, DispatchProperties.class).get();
        assertThat(dispatch.pool("sms")).isEqualTo(8);
        assertThat(dispatch.pool("feishu")).isEqualTo(4);
        PacingProperties pacing = LiveProperties.bind(empty, PacingProperties.class).get();
        assertThat(pacing.channelPerSecond()).containsEntry("sms", 3000);
        SenderProperties senders = LiveProperties.bind(empty, SenderProperties.class).get();
        assertThat(senders.aliyun().baseUrl()).isEqualTo("https://dysmsapi.aliyuncs.com");
        assertThat(senders.allowPrivateUrls()).isFalse();
    }

    @Test
    void overridesMergeWithDefaults() {
        MockEnvironment env = new MockEnvironment().withProperty("kefu.push.dispatch.pools.sms", "20")
                .withProperty("kefu.push.pacing.channel-per-second.email", "7");
        assertThat(LiveProperties.bind(env, DispatchProperties.class).get().pool("sms")).isEqualTo(20);
        assertThat(LiveProperties.bind(env, DispatchProperties.class).get().pool("app")).isEqualTo(8);
        assertThat(LiveProperties.bind(env, PacingProperties.class).get().channelPerSecond()).containsEntry("email", 7).containsEntry("sms", 3000);
    }
}
