package io.kefu.chat.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import me.chanjar.weixin.common.util.crypto.WxCryptUtil;
import org.junit.jupiter.api.Test;

/** The test encryptor is right before callback tests trust it. */
class WechatTestCryptoTest {

    /**
     * WeChat's published sample vector (Tencent's WXBizMsgCrypt sample; WxJava repeats it in
     * weixin-java-common/src/test/java/me/chanjar/weixin/common/util/crypto/WxCryptUtilTest.java,
     * testAesEncrypt): key, appId, the fixed random "aaaabbbbccccdddd" and the message give this text.
     */
    @Test
    void testEncryptorReproducesWechatsPublishedSample() {
        String encrypted = WechatTestCrypto.encrypt("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxb11529c136998cb6", "我是中文abcd123",
                "aaaabbbbccccdddd".getBytes(StandardCharsets.UTF_8));
        assertThat(encrypted).isEqualTo("jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==");
    }

    @Test
    void wxJavaDecryptsWhatTheTestEncryptorMakes() {
        String key = WechatTestCrypto.newAesKey();
        String message = "<xml><Content><![CDATA[" + "长".repeat(100) + "]]></Content></xml>";
        assertThat(new WxCryptUtil("token", key, "wx0123456789abcdef").decrypt(WechatTestCrypto.encrypt(key, "wx0123456789abcdef", message)))
                .isEqualTo(message);
    }

    @Test
    void signatureIsSha1OfTheSortedParts() {
        // sorted: "1409304348" < "pamtest" < "xxxxxx"
        assertThat(WechatTestCrypto.sha1("pamtest", "1409304348", "xxxxxx")).isEqualTo(WechatTestCrypto.sha1("xxxxxx", "pamtest", "1409304348"))
                .hasSize(40);
    }
}
