package io.kefu.push.sender;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.kefu.common.config.LiveProperties;
import io.kefu.push.template.Channel;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tencent Cloud SMS {@code SendSms} (API 3.0, version 2021-01-11) signed with TC3-HMAC-SHA256. The
 * template's variables go as {@code TemplateParamSet} in the order the template declares them; our
 * message id travels as {@code SessionContext} and Tencent's {@code SerialNo} comes back for receipts. A bulk lot's
 * notices of one template with the same parameters go in one call of up to 200 numbers ({@link #sendBatch}).
 */
@Component
class TencentSmsSender implements BatchSender {

    static final String VERSION = "2021-01-11";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private final ProviderHttp http;
    private final LiveProperties<SenderProperties> properties;
    private final Clock clock;

    TencentSmsSender(ProviderHttp http, LiveProperties<SenderProperties> properties, Clock clock) {
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
        return "tencent";
    }

    @Override
    public String account(Outgoing message) {
        return properties.get().tencent().sdkAppId();
    }

    @Override
    public @Nullable String unconfigured(Outgoing message) {
        return properties.get().tencent().configured() ? null
                : "SMS channel (tencent) not configured: set kefu.push.senders.tencent.secret-id, secret-key and sdk-app-id (KEFU_PUSH_TENCENT_*)";
    }

    @Override
    public SendOutcome send(Outgoing message) {
        SenderProperties.Tencent tencent = properties.get().tencent();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("PhoneNumberSet", List.of(phone(message)));
        body.put("SmsSdkAppId", tencent.sdkAppId());
        body.put("SignName", message.template().smsSign());
        body.put("TemplateId", message.template().providerTemplateId());
        body.put("TemplateParamSet", params(message));
        body.put("SessionContext", message.messageId().toString());
        ProviderHttp.Answer answer = post(tencent, body);
        if (answer.failure() != null) {
            return answer.failure();
        }
        JsonNode response = JSON.readTree(answer.body()).path("Response");
        JsonNode error = response.path("Error");
        if (!error.isMissingNode()) {
            return callError(error);
        }
        return outcome(response.path("SendStatusSet").path(0), answer.body());
    }

    /** {@code SendSms} takes at most 200 numbers a call. */
    @Override
    public int batchLimit() {
        return 200;
    }

    /**
     * Notices of one template with the same parameters share a call ({@code TemplateParamSet} is one for all the
     * numbers of a call); verification codes go alone.
     */
    @Override
    public @Nullable String batchKey(Outgoing message) {
        return "captcha".equals(message.template().kind()) ? null
                : message.template().id() + "\n" + message.template().providerTemplateId() + "\n" + message.template().smsSign() + "\n"
                        + JSON.writeValueAsString(params(message));
    }

    @Override
    public String address(Outgoing message) {
        return phone(message);
    }

    /**
     * One {@code SendSms} with all the numbers in {@code PhoneNumberSet} (no {@code SessionContext}: one for the call
     * could name only one message). Tencent answers each number in {@code SendStatusSet} with its own code and
     * {@code SerialNo}, so each message gets its own outcome; an error of the call is each message's, except a
     * malformed number, which Tencent reports for the call: then each is sent alone, so it fails only itself.
     */
    @Override
    public List<SendOutcome> sendBatch(List<Outgoing> messages) {
        SenderProperties.Tencent tencent = properties.get().tencent();
        Outgoing first = messages.getFirst();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("PhoneNumberSet", messages.stream().map(TencentSmsSender::phone).toList());
        body.put("SmsSdkAppId", tencent.sdkAppId());
        body.put("SignName", first.template().smsSign());
        body.put("TemplateId", first.template().providerTemplateId());
        body.put("TemplateParamSet", params(first));
        ProviderHttp.Answer answer = post(tencent, body);
        if (answer.failure() != null) {
            return java.util.Collections.nCopies(messages.size(), answer.failure());
        }
        JsonNode response = JSON.readTree(answer.body()).path("Response");
        JsonNode error = response.path("Error");
        if (!error.isMissingNode()) {
            if (error.path("Code").asString("").startsWith("InvalidParameterValue.IncorrectPhoneNumber")) {
                return BatchSender.eachAlone(messages, this::send);
            }
            return java.util.Collections.nCopies(messages.size(), callError(error));
        }
        Map<String, JsonNode> byPhone = new java.util.HashMap<>();
        for (JsonNode status : response.path("SendStatusSet")) {
            byPhone.put(status.path("PhoneNumber").asString(""), status);
        }
        List<SendOutcome> outcomes = new ArrayList<>(messages.size());
        for (Outgoing m : messages) {
            JsonNode status = byPhone.get(phone(m));
            // no word on a number: not known to be sent, and resending could send twice; an admin can re-drive it
            outcomes.add(status == null ? new SendOutcome.Failed("tencent answered no status for the number: " + SendOutcome.excerpt(answer.body()))
                    : outcome(status, answer.body()));
        }
        return outcomes;
    }

    /** {@code +86…} for mainland numbers, an international one as given. */
    private static String phone(Outgoing message) {
        return message.recipient().startsWith("+") ? message.recipient() : "+86" + RecipientRules.mainland(message.recipient());
    }

    /** The template's variables in the order it declares them. */
    private static List<String> params(Outgoing message) {
        List<String> params = new ArrayList<>();
        for (String name : message.template().variables()) {
            params.add(message.variables().getOrDefault(name, ""));
        }
        return params;
    }

    private ProviderHttp.Answer post(SenderProperties.Tencent tencent, Map<String, Object> body) {
        String payload = JSON.writeValueAsString(body);
        String host = URI.create(tencent.baseUrl()).getRawAuthority();
        Instant now = clock.instant();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json; charset=utf-8");
        headers.put("X-TC-Action", "SendSms");
        headers.put("X-TC-Timestamp", String.valueOf(now.getEpochSecond()));
        headers.put("X-TC-Version", VERSION);
        headers.put("X-TC-Region", tencent.region());
        headers.put("Authorization", authorization(tencent.secretId(), tencent.secretKey(), host, "SendSms", payload, now));
        return http.post(AliyunSmsSender.trim(tencent.baseUrl()) + "/", headers, payload);
    }

    private static SendOutcome callError(JsonNode error) {
        String code = error.path("Code").asString("");
        return transientCode(code) ? new SendOutcome.Retry("tencent " + code, null)
                : new SendOutcome.Failed("tencent " + code + ": " + error.path("Message").asString(""));
    }

    /** One number's entry of {@code SendStatusSet}. */
    private static SendOutcome outcome(JsonNode status, String body) {
        String code = status.path("Code").asString("");
        if ("Ok".equals(code)) {
            return new SendOutcome.Sent(status.path("SerialNo").asString(null), SendOutcome.excerpt(body));
        }
        return transientCode(code) ? new SendOutcome.Retry("tencent " + code, null)
                : new SendOutcome.Failed("tencent " + code + ": " + status.path("Message").asString(""));
    }

    static boolean transientCode(String code) {
        return code.startsWith("InternalError") || code.equals("RequestLimitExceeded") || code.startsWith("LimitExceeded.DeliveryFrequencyLimit");
    }

    /** TC3-HMAC-SHA256 over the canonical request (signed headers content-type;host;x-tc-action). */
    static String authorization(String secretId, String secretKey, String host, String action, String payload, Instant now) {
        String date = DATE.format(now);
        String canonical = "POST\n/\n\n" + "content-type:application/json; charset=utf-8\n" + "host:" + host + "\n"
                + "x-tc-action:" + action.toLowerCase(java.util.Locale.ROOT) + "\n\n" + "content-type;host;x-tc-action\n" + sha256Hex(payload);
        String scope = date + "/sms/tc3_request";
        String toSign = "TC3-HMAC-SHA256\n" + now.getEpochSecond() + "\n" + scope + "\n" + sha256Hex(canonical);
        byte[] secretDate = hmac(("TC3" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        byte[] secretService = hmac(secretDate, "sms");
        byte[] secretSigning = hmac(secretService, "tc3_request");
        String signature = HexFormat.of().formatHex(hmac(secretSigning, toSign));
        return "TC3-HMAC-SHA256 Credential=" + secretId + "/" + scope + ", SignedHeaders=content-type;host;x-tc-action, Signature=" + signature;
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
