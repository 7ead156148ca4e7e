package io.kefu.push.sender;

import static org.assertj.core.api.Assertions.assertThat;

import io.kefu.push.template.Channel;
import org.junit.jupiter.api.Test;

class RecipientRulesTest {

    @Test
    void recipientsFitTheirChannel() {
        assertThat(RecipientRules.problem(Channel.SMS, "notice", "13800138000", false)).isNull();
        assertThat(RecipientRules.problem(Channel.SMS, "notice", "+8613800138000", false)).isNull();
        assertThat(RecipientRules.problem(Channel.SMS, "notice", "12345", false)).isNotNull();
        assertThat(RecipientRules.problem(Channel.EMAIL, "email", "a.b@example.com", false)).isNull();
        assertThat(RecipientRules.problem(Channel.EMAIL, "email", "a@b", false)).isNotNull();
        assertThat(RecipientRules.problem(Channel.EMAIL, "email", "a@exa mple.com", false)).isNotNull();
        assertThat(RecipientRules.problem(Channel.WECHAT, "subscribe", "oABC123-_xyz", false)).isNull();
        assertThat(RecipientRules.problem(Channel.WECHAT, "subscribe", "o bad", false)).isNotNull();
        assertThat(RecipientRules.mainland("+8613800138000")).isEqualTo("13800138000");
    }

    @Test
    void webhooksMustBePublicHttps() {
        assertThat(UrlGuard.problem("https://open.feishu.cn/open-apis/bot/v2/hook/x", true)).isNull();
        assertThat(UrlGuard.problem("http://open.feishu.cn/hook", false)).contains("https");
        assertThat(UrlGuard.problem("https://127.0.0.1/hook", false)).contains("private");
        assertThat(UrlGuard.problem("https://10.1.2.3/hook", false)).contains("private");
        assertThat(UrlGuard.problem("https://169.254.169.254/latest/meta-data", false)).contains("private");
        assertThat(UrlGuard.problem("https://[::1]/hook", false)).contains("private");
        assertThat(UrlGuard.problem("https://[fd00::1]/hook", false)).contains("private");
        assertThat(UrlGuard.problem("https://localhost/hook", false)).contains("private");
        assertThat(UrlGuard.problem("https://user:pw@example.com/hook", false)).contains("user info");
        assertThat(UrlGuard.problem("file:///etc/passwd", false)).contains("https");
        assertThat(UrlGuard.problem("http://127.0.0.1:8080/hook", true)).as("allowed in tests").isNull();
        assertThat(RecipientRules.problem(Channel.FEISHU, "bot", "https://192.168.1.1/hook", false)).contains("private");
    }

    @Test
    void aliyunSignatureFollowsItsDocumentedCanonicalForm() {
        java.util.TreeMap<String, String> params = new java.util.TreeMap<>(java.util.Map.of("b", "x y*~", "a", "1"));
        assertThat(AliyunSmsSender.query(params)).isEqualTo("a=1&b=x%20y%2A~");
        assertThat(AliyunSmsSender.sign("POST", params, "secret")).isEqualTo(hmacSha1("secret&", "POST&%2F&a%3D1%26b%3Dx%2520y%252A~"));
    }

    @Test
    void aliyunEncodingIsTheDocumentedOneForEveryKindOfCharacter() {
        // the documented rule, spelled the slow way: URLEncoder, then space %20, '*' %2A and '~' kept
        for (String value : java.util.List.of("", "abcXYZ019-_.~", "x y*~+/=&%", "{\"order_no\":\"bulk\",\"customer_name\":\"客户\"}",
                "您的订单已发货，😀", "2026-11-29T22:00:00Z", "\u0000\t\n!'()")) {
            assertThat(AliyunSmsSender.encode(value)).as(value).isEqualTo(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20").replace("*", "%2A").replace("%7E", "~"));
        }
        assertThat(AliyunSmsSender.sign("POST", new java.util.TreeMap<>(java.util.Map.of("a", "1")), "secret"))
                .as("a second signature with the same secret (the keyed HMAC reused)").isEqualTo(hmacSha1("secret&", "POST&%2F&a%3D1"));
        assertThat(AliyunSmsSender.sign("POST", new java.util.TreeMap<>(java.util.Map.of("a", "1")), "other"))
                .as("another secret").isEqualTo(hmacSha1("other&", "POST&%2F&a%3D1"));
    }

    static String hmacSha1(String key, String data) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
            mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA1"));
            return java.util.Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
