package io.kefu.push.sender;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kefu.common.config.LiveProperties;
import io.kefu.push.template.Channel;
import io.kefu.push.template.TemplateText;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * APP push through JPush's REST API v3 ({@code POST /v3/push}, HTTP Basic appKey:masterSecret). The
 * recipient is a device's registration id, or {@code alias:<userId>}: the app registers each of a user's
 * devices under the user's id as alias, so JPush holds the devices per user and one message reaches them all.
 */
@Component
class JPushSender implements Sender {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ProviderHttp http;
    private final LiveProperties<SenderProperties> properties;

    JPushSender(ProviderHttp http, LiveProperties<SenderProperties> properties) {
        this.http = http;
        this.properties = properties;
    }

    @Override
    public Channel channel() {
        return Channel.APP;
    }

    @Override
    public @Nullable String kind() {
        return null;
    }

    @Override
    public String provider() {
        return "jpush";
    }

    @Override
    public String account(Outgoing message) {
        return properties.get().jpush().appKey();
    }

    @Override
    public @Nullable String unconfigured(Outgoing message) {
        return properties.get().jpush().configured() ? null
                : "APP channel not configured: set kefu.push.senders.jpush.app-key and master-secret (KEFU_PUSH_JPUSH_*)";
    }

    @Override
    public SendOutcome send(Outgoing message) {
        SenderProperties.JPush jpush = properties.get().jpush();
        String alert = TemplateText.render(message.template().content(), message.variables());
        String title = message.template().title() == null ? null : TemplateText.render(message.template().title(), message.variables());
        Map<String, Object> android = new LinkedHashMap<>();
        android.put("alert", alert);
        if (title != null) {
            android.put("title", title);
        }
        android.put("extras", Map.of("messageId", message.messageId().toString()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", "all");
        body.put("audience", message.recipient().startsWith("alias:") ? Map.of("alias", List.of(message.recipient().substring(6)))
                : Map.of("registration_id", List.of(message.recipient())));
        body.put("notification", Map.of("alert", alert, "android", android,
                "ios", Map.of("alert", alert, "sound", "default", "extras", Map.of("messageId", message.messageId().toString()))));
        body.put("options", Map.of("apns_production", jpush.production(), "time_to_live", 86400));
        String auth = Base64.getEncoder().encodeToString((jpush.appKey() + ":" + jpush.masterSecret()).getBytes(StandardCharsets.UTF_8));
        ProviderHttp.Answer answer = http.post(AliyunSmsSender.trim(jpush.baseUrl()) + "/v3/push",
                Map.of("Content-Type", "application/json", "Authorization", "Basic " + auth), JSON.writeValueAsString(body));
        if (answer.failure() != null) {
            return answer.failure();
        }
        JsonNode reply = JSON.readTree(answer.body());
        return new SendOutcome.Sent(reply.path("msg_id").asString(null), SendOutcome.excerpt(answer.body()));
    }
}
