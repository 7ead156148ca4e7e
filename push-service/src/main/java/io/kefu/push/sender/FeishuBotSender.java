package io.kefu.push.sender;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.kefu.common.config.LiveProperties;
import io.kefu.push.template.Channel;
import io.kefu.push.template.TemplateText;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Feishu custom bots: the recipient is the bot's webhook URL (checked against private addresses before
 * it is stored and again before each call; redirects are not followed). A bot with signature
 * verification gets {@code timestamp} and {@code sign} = Base64(HmacSHA256(key = timestamp + "\n" + secret, "")).
 */
@Component
class FeishuBotSender implements Sender {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Feishu's "too many requests" codes. */
    private static final Set<Integer> TRANSIENT = Set.of(9499, 11232, 11233, 99991400);

    private final ProviderHttp http;
    private final LiveProperties<SenderProperties> properties;
    private final Clock clock;

    FeishuBotSender(ProviderHttp http, LiveProperties<SenderProperties> properties, Clock clock) {
        this.http = http;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public Channel channel() {
        return Channel.FEISHU;
    }

    @Override
    public String kind() {
        return "bot";
    }

    @Override
    public String provider() {
        return "feishu-bot";
    }

    @Override
    public @Nullable String unconfigured(Outgoing message) {
        return null; // a webhook needs no account
    }

    @Override
    public SendOutcome send(Outgoing message) {
        String unsafe = UrlGuard.problem(message.recipient(), properties.get().allowPrivateUrls());
        if (unsafe != null) {
            return new SendOutcome.Failed("webhook refused: " + unsafe);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        String secret = properties.get().feishu().botSecrets().get(lastSegment(message.recipient()));
        if (secret != null && !secret.isBlank()) {
            long timestamp = clock.instant().getEpochSecond();
            body.put("timestamp", String.valueOf(timestamp));
            body.put("sign", sign(timestamp, secret));
        }
        body.put("msg_type", "text");
        body.put("content", Map.of("text", TemplateText.render(message.template().content(), message.variables())));
        ProviderHttp.Answer answer = http.post(message.recipient(), Map.of("Content-Type", "application/json; charset=utf-8"),
                JSON.writeValueAsString(body));
        if (answer.failure() != null) {
            return answer.failure();
        }
        JsonNode reply = JSON.readTree(answer.body().isBlank() ? "{}" : answer.body());
        int code = reply.has("code") ? reply.path("code").asInt() : reply.path("StatusCode").asInt(0);
        if (code == 0) {
            return new SendOutcome.Sent(null, SendOutcome.excerpt(answer.body()));
        }
        return TRANSIENT.contains(code) ? new SendOutcome.Retry("feishu " + code, null)
                : new SendOutcome.Failed("feishu " + code + ": " + reply.path("msg").asString(""));
    }

    static String sign(long timestamp, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec((timestamp + "\n" + secret).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(new byte[0]));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String lastSegment(String url) {
        String path = java.net.URI.create(url).getPath();
        return path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
    }
}
