package io.kefu.push.sender;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.kefu.common.config.LiveProperties;
import io.kefu.push.template.Channel;
import io.kefu.push.template.TemplateText;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RBucket;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Feishu app messages ({@code POST /open-apis/im/v1/messages?receive_id_type=…}, text) with the app's
 * {@code tenant_access_token}. The token is fetched with app id/secret from
 * {@code /open-apis/auth/v3/tenant_access_token/internal} and kept in Redis
 * ({@code kefu:push:feishu:token:<appId>}, until five minutes before it expires) for every instance; a
 * Redisson lock makes one instance fetch it while the others wait and read it, so the suite holds one
 * token per app. A token Feishu calls invalid is dropped and the message retried with a fresh one.
 *
 * <p>The recipient says which id it is: {@code ou_…} open_id, {@code on_…} union_id, {@code oc_…} chat_id,
 * an address with {@code @} email, anything else a user_id.
 */
@Component
class FeishuAppSender implements Sender {

    static final String TOKEN_KEY = "kefu:push:feishu:token:";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Feishu's "too many requests" / "busy" codes. */
    private static final Set<Integer> TRANSIENT = Set.of(9499, 11232, 11233, 99991400, 230020, 1000004, 1000005);
    /** The token is invalid or expired: fetch a new one and retry. */
    private static final Set<Integer> BAD_TOKEN = Set.of(99991661, 99991663, 99991668, 99991677);

    private final ProviderHttp http;
    private final LiveProperties<SenderProperties> properties;
    private final RedissonClient redisson;

    FeishuAppSender(ProviderHttp http, LiveProperties<SenderProperties> properties, RedissonClient redisson) {
        this.http = http;
        this.properties = properties;
        this.redisson = redisson;
    }

    @Override
    public Channel channel() {
        return Channel.FEISHU;
    }

    @Override
    public String kind() {
        return "app";
    }

    @Override
    public String provider() {
        return "feishu-app";
    }

    @Override
    public String account(Outgoing message) {
        return properties.get().feishu().appId();
    }

    @Override
    public @Nullable String unconfigured(Outgoing message) {
        return properties.get().feishu().appConfigured() ? null
                : "Feishu app messages not configured: set kefu.push.senders.feishu.app-id and app-secret (KEFU_PUSH_FEISHU_APP_ID, _APP_SECRET)";
    }

    @Override
    public SendOutcome send(Outgoing message) {
        SenderProperties.Feishu feishu = properties.get().feishu();
        Token token = token(feishu);
        if (token.failure() != null) {
            return token.failure();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("receive_id", message.recipient());
        body.put("msg_type", "text");
        // Feishu wants content as a JSON string, not an object.
        body.put("content", JSON.writeValueAsString(Map.of("text", TemplateText.render(message.template().content(), message.variables()))));
        body.put("uuid", message.messageId().toString()); // Feishu de-duplicates a repeated uuid within an hour
        String url = base(feishu) + "/open-apis/im/v1/messages?receive_id_type=" + URLEncoder.encode(idType(message.recipient()), StandardCharsets.UTF_8);
        ProviderHttp.Answer answer = http.post(url, Map.of("Content-Type", "application/json; charset=utf-8",
                "Authorization", "Bearer " + token.value()), JSON.writeValueAsString(body));
        JsonNode reply = JSON.readTree(answer.body().isBlank() ? "{}" : answer.body());
        int code = reply.path("code").asInt(answer.failure() == null ? 0 : -1);
        if (BAD_TOKEN.contains(code)) {
            forget(feishu.appId(), token.value());
            return new SendOutcome.Retry("feishu " + code + ": tenant_access_token refused, fetching a new one", null);
        }
        if (answer.failure() != null) {
            return answer.failure();
        }
        if (code == 0) {
            return new SendOutcome.Sent(reply.path("data").path("message_id").asString(null), SendOutcome.excerpt(answer.body()));
        }
        return TRANSIENT.contains(code) ? new SendOutcome.Retry("feishu " + code, null)
                : new SendOutcome.Failed("feishu " + code + ": " + reply.path("msg").asString(""));
    }

    static String idType(String recipient) {
        if (recipient.startsWith("ou_")) {
            return "open_id";
        }
        if (recipient.startsWith("on_")) {
            return "union_id";
        }
        if (recipient.startsWith("oc_")) {
            return "chat_id";
        }
        return recipient.contains("@") ? "email" : "user_id";
    }

    private record Token(String value, @Nullable SendOutcome failure) {
    }

    private Token token(SenderProperties.Feishu feishu) {
        RBucket<String> cached = redisson.getBucket(TOKEN_KEY + feishu.appId(), StringCodec.INSTANCE);
        String value = cached.get();
        if (value != null) {
            return new Token(value, null);
        }
        RLock lock = redisson.getLock(TOKEN_KEY + feishu.appId() + ":lock");
        try {
            if (!lock.tryLock(10, 30, TimeUnit.SECONDS)) {
                return new Token("", new SendOutcome.Retry("another instance is fetching the Feishu tenant_access_token", null));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Token("", new SendOutcome.Retry("interrupted", null));
        }
        try {
            value = cached.get(); // another instance may have fetched it while we waited
            if (value != null) {
                return new Token(value, null);
            }
            ProviderHttp.Answer answer = http.post(base(feishu) + "/open-apis/auth/v3/tenant_access_token/internal",
                    Map.of("Content-Type", "application/json; charset=utf-8"),
                    JSON.writeValueAsString(Map.of("app_id", feishu.appId(), "app_secret", feishu.appSecret())));
            if (answer.failure() != null) {
                return new Token("", answer.failure() instanceof SendOutcome.Failed f
                        ? new SendOutcome.Failed("Feishu tenant_access_token: " + f.reason()) : answer.failure());
            }
            JsonNode reply = JSON.readTree(answer.body().isBlank() ? "{}" : answer.body());
            int code = reply.path("code").asInt(-1);
            String token = reply.path("tenant_access_token").asString("");
            if (code != 0 || token.isBlank()) {
                String why = "Feishu tenant_access_token " + code + ": " + reply.path("msg").asString("");
                return new Token("", TRANSIENT.contains(code) ? new SendOutcome.Retry(why, null) : new SendOutcome.Failed(why));
            }
            long expire = reply.path("expire").asLong(7200);
            cached.set(token, Duration.ofSeconds(Math.max(60, expire - 300)));
            return new Token(token, null);
        } finally {
            if (lock.isHeldByCurrentThread()) {
                lock.unlock();
            }
        }
    }

    /** Drops the cached token only if it is still the refused one (another instance may have replaced it). */
    private void forget(String appId, String refused) {
        RBucket<String> cached = redisson.getBucket(TOKEN_KEY + appId, StringCodec.INSTANCE);
        cached.compareAndSet(refused, null);
    }

    private static String base(SenderProperties.Feishu feishu) {
        String url = feishu.baseUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
