package io.kefu.testsupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The independent callback builder agrees with WeChat's own published test vector (WeCom callback
 * documentation, https://developer.work.weixin.qq.com/document/path/90968: corpId wx5823bf96d3bd56c7,
 * token QDG6eK), so tests that use it check the services against WeChat, not against themselves.
 */
class WeChatCallbacksTest {

    static final String CORP_ID = "wx5823bf96d3bd56c7";
    static final String TOKEN = "QDG6eK";
    static final String AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    static final String ENCRYPTED = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";

    @Test
    void signsAndDecryptsWeChatsPublishedSample() {
        assertThat(WeChatCallbacks.msgSignature(TOKEN, "1409659813", "1372623149", ENCRYPTED))
                .isEqualTo("477715d11cdb4164915debcba66cb864d751f3e6");

        String plain = WeChatCallbacks.decrypt(AES_KEY, CORP_ID, ENCRYPTED);

        assertThat(plain).startsWith("<xml>").contains("<MsgType><![CDATA[text]]></MsgType>").endsWith("</xml>");
    }

    @Test
    void whatItEncryptsDecryptsToTheSameMessageForTheSameReceiverOnly() {
        String key = WeChatCallbacks.newEncodingAesKey();
        String message = WeChatCallbacks.mpText("gh_1", "o-openid", 1_700_000_000L, "你好 hello", 42L);

        String encrypted = WeChatCallbacks.encrypt(key, "wx-app", message);

        assertThat(key).hasSize(43);
        assertThat(WeChatCallbacks.decrypt(key, "wx-app", encrypted)).isEqualTo(message);
        assertThatThrownBy(() -> WeChatCallbacks.decrypt(key, "wx-other", encrypted)).isInstanceOf(IllegalStateException.class);
    }
}
