package io.kefu.chat.conversation;

import java.util.HashMap;
import java.util.Map;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.config.LiveProperties.InvalidLivePropertiesException;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** send-rate-permits=0 would reach a division: the record's own @Min refuses it, at start-up and on refresh. */
class ConversationPropertiesValidationTest {

    final Map<String, Object> values = new HashMap<>();
    final StandardEnvironment environment = new StandardEnvironment();

    ConversationPropertiesValidationTest() {
        environment.getPropertySources().addFirst(new MapPropertySource("test", values));
    }

    @Test
    void zeroPermitsStopTheStartWithTheKey() {
        values.put("kefu.chat.conversation.send-rate-permits", "0");
        assertThatThrownBy(() -> LiveProperties.bind(environment, ConversationProperties.class))
                .isInstanceOf(InvalidLivePropertiesException.class)
                .hasMessageContaining("kefu.chat.conversation.send-rate-permits=0: must be greater than or equal to 1");
    }

    @Test
    void zeroPermitsOnRefreshKeepThePreviousValue() {
        LiveProperties<ConversationProperties> live = LiveProperties.bind(environment, ConversationProperties.class);
        values.put("kefu.chat.conversation.send-rate-permits", "0");
        assertThat(live.rebind()).isFalse();
        assertThat(live.get().sendRatePermits()).isEqualTo(20);
    }
}
