package io.kefu.push.sender;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.kefu.common.config.LiveProperties;
import io.kefu.push.template.Channel;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Aliyun SMS {@code SendSms} over its documented RPC API (version 2017-05-25) with signature v1:
 * the sorted, percent-encoded parameters signed with HMAC-SHA1 under {@code secret + "&"}. Our message id
 * travels as {@code OutId} and Aliyun's {@code BizId} comes back for delivery receipts.
 */
@Component
class AliyunSmsSender implements Sender {

    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Codes that say "not now" rather than "never": flow control and Aliyun's own failures. */
    private static final Set<String> TRANSIENT = Set.of("isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "isp.RAM_PERMISSION_DENY_TEMP",
            "Throttling", "Throttling.User", "Throttling.Api", "ServiceUnavailable", "InternalError", "isv.DAY_LIMIT_CONTROL");

    private final ProviderHttp http;
    private final LiveProperties<SenderProperties> properties;
    private final Clock clock;

    AliyunSmsSender(ProviderHttp http, LiveProperties<SenderProperties> properties, Clock clock) {
        this.http = http;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public Channel channel() {
        return Channel.SMS;
    }

    @Override
    public @Nullable String kind() {
        return null;
    }

    @Override
    public String provider() {
        return "aliyun";
    }

    @Override
    public String account(Outgoing message) {
        return properties.get().aliyun().accessKeyId();
    }

    @Override
    public @Nullable String unconfigured(Outgoing message) {
        return properties.get().aliyun().configured() ? null
                : "SMS channel not configured: set kefu.push.senders.aliyun.access-key-id and access-key-secret (KEFU_PUSH_ALIYUN_*)";
    }

    @Override
    public SendOutcome send(Outgoing message) {
        SenderProperties.Aliyun aliyun = properties.get().aliyun();
        Map<String, String> params = new TreeMap<>();
        params.put("AccessKeyId", aliyun.accessKeyId());
        params.put("Action", "SendSms");
        params.put("Format", "JSON");
        params.put("OutId", message.messageId().toString());
        params.put("PhoneNumbers", RecipientRules.mainland(message.recipient()));
        params.put("RegionId", aliyun.regionId());
        params.put("SignName", message.template().smsSign());
        params.put("SignatureMethod", "HMAC-SHA1");
        params.put("SignatureNonce", UUID.randomUUID().toString());
        params.put("SignatureVersion", "1.0");
        params.put("TemplateCode", message.template().providerTemplateId());
        params.put("TemplateParam", JSON.writeValueAsString(message.variables()));
        params.put("Timestamp", TIMESTAMP.format(clock.instant()));
        params.put("Version", "2017-05-25");
        String signature = sign("POST", params, aliyun.accessKeySecret());
        String body = "Signature=" + encode(signature) + "&" + query(params);
        ProviderHttp.Answer answer = http.post(trim(aliyun.baseUrl()) + "/",
                Map.of("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8", "Accept", "application/json"), body);
        String code = code(answer.body());
        if (answer.failure() != null) {
            return code != null && !TRANSIENT.contains(code) && answer.status() < 500 && answer.status() != 429 && answer.status() != 0
                    ? new SendOutcome.Failed("aliyun " + code + ": " + SendOutcome.excerpt(answer.body())) : answer.failure();
        }
        if ("OK".equals(code)) {
            return new SendOutcome.Sent(field(answer.body(), "BizId"), SendOutcome.excerpt(answer.body()));
        }
        return code != null && TRANSIENT.contains(code) ? new SendOutcome.Retry("aliyun " + code, null)
                : new SendOutcome.Failed("aliyun " + code + ": " + SendOutcome.excerpt(answer.body()));
    }

    /** Signature v1: Base64(HMAC-SHA1(secret + "&", METHOD & enc("/") & enc(canonical query))). */
    static String sign(String method, Map<String, String> sortedParams, String secret) {
        String toSign = method + "&" + encode("/") + "&" + encode(query(sortedParams));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec((secret + "&").getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String query(Map<String, String> sortedParams) {
        return sortedParams.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
    }

    /** Aliyun's percent-encoding: RFC 3986 unreserved characters kept, space as %20, '*' as %2A, '~' kept. */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static @Nullable String code(String body) {
        return field(body, "Code");
    }

    private static @Nullable String field(String body, String name) {
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? null : value.asString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
