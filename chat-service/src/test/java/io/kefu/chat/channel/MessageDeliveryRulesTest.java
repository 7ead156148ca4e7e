package io.kefu.chat.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.kefu.common.remote.RemoteCallOutcome.Status;
import me.chanjar.weixin.common.error.WxError;
import me.chanjar.weixin.common.error.WxErrorException;
import org.junit.jupiter.api.Test;

/** Which answers of WeChat are worth another try (a pure rule, no context). */
class MessageDeliveryRulesTest {

    private static WxErrorException error(int code, String message) {
        return new WxErrorException(WxError.builder().errorCode(code).errorMsg(message).build());
    }

    @Test
    void busyTokenAndFrequencyErrorsAreRetried() {
        for (int code : new int[] {-1, 40001, 40014, 42001, 45011}) {
            assertThat(MessageDelivery.refusal(error(code, "x")).status()).as("errcode %d", code).isEqualTo(Status.RETRY);
        }
    }

    @Test
    void aClosedWindowAndOtherRefusalsAreFinal() {
        assertThat(MessageDelivery.refusal(error(45015, "response out of time limit")).status()).isEqualTo(Status.FAILED);
        assertThat(MessageDelivery.refusal(error(45015, "x")).code()).isEqualTo("45015");
        assertThat(MessageDelivery.refusal(error(40003, "invalid openid")).status()).isEqualTo(Status.FAILED);
    }

    @Test
    void anHttpServerErrorIsRetriedButAClientErrorIsNot() {
        assertThat(MessageDelivery.refusal(error(-99, "status code: 503, reason phrase: Service Unavailable")).status())
                .isEqualTo(Status.RETRY);
        assertThat(MessageDelivery.refusal(error(-99, "status code: 404, reason phrase: Not Found")).status()).isEqualTo(Status.FAILED);
    }
}
