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
 * A bulk lot's messages with the same notification go in one push of up to 1,000 ids ({@link #sendBatch}).
 */
@Component
class JPushSender implements BatchSender {

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
        return push(List.of(message), message.recipient().startsWith("alias:") ? "alias" : "registration_id",
                Map.of("messageId", message.messageId().toString()));
    }

    /** JPush takes up to 1,000 registration ids (or aliases) in one push's audience. */
    @Override
    public int batchLimit() {
        return 1000;
    }

    /**
     * Messages with the same rendered notification to the same kind of audience share a push (an audience naming
     * both aliases and registration ids would mean devices that have both, so the two never mix).
     */
    @Override
    public @Nullable String batchKey(Outgoing message) {
        String title = message.template().title() == null ? "" : TemplateText.render(message.template().title(), message.variables());
        return message.template().id() + "\n" + (message.recipient().startsWith("alias:") ? "alias" : "registration_id") + "\n" + title
                + "\n" + TemplateText.render(message.template().content(), message.variables());
    }

    /**
     * One push to all the messages' devices (JPush's answer, one {@code msg_id}, is each message's); the
     * notification's extras then name the call's first message id as {@code messageId} and all of them as
     * {@code messageIds}.
     */
    @Override
    public List<SendOutcome> sendBatch(List<Outgoing> messages) {
        String ids = messages.stream().map(m -> m.messageId().toString()).collect(java.util.stream.Collectors.joining(","));
        SendOutcome outcome = push(messages, messages.getFirst().recipient().startsWith("alias:") ? "alias" : "registration_id",
                Map.of("messageId", messages.getFirst().messageId().toString(), "messageIds", ids));
        return java.util.Collections.nCopies(messages.size(), outcome);
    }

    private SendOutcome push(List<Outgoing> messages, String audience, Map<String, String> extras) {
        Outgoing message = messages.getFirst();
        SenderProperties.JPush jpush = properties.get().jpush();
        String alert = TemplateText.render(message.template().content(), message.variables());
        String title = message.template().title() == null ? null : TemplateText.render(message.template().title(), message.variables());
        Map<String, Object> android = new LinkedHashMap<>();
        android.put("alert", alert);
        if (title != null) {
            android.put("title", title);
        }
        android.put("extras", extras);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", "all");
        body.put("audience", Map.of(audience, messages.stream().map(m -> audience.equals("alias") ? m.recipient().substring(6) : m.recipient()).toList()));
        body.put("notification", Map.of("alert", alert, "android", android,
                "ios", Map.of("alert", alert, "sound", "default", "extras", extras)));
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
