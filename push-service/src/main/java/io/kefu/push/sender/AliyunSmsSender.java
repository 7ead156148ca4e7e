package io.kefu.push.sender;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.kefu.common.config.LiveProperties;
import io.kefu.push.template.Channel;
import io.kefu.push.template.Template;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Aliyun SMS {@code SendSms} over its documented RPC API (version 2017-05-25) with signature v1:
 * the sorted, percent-encoded parameters signed with HMAC-SHA1 under {@code secret + "&"}. Our message id
 * travels as {@code OutId} and Aliyun's {@code BizId} comes back for delivery receipts. A bulk lot's notices of one
 * template go in {@code SendBatchSms} calls of up to 100 numbers ({@link #sendBatch}).
 */
@Component
class AliyunSmsSender implements BatchSender {

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
        Map<String, String> params = new TreeMap<>();
        params.put("Action", "SendSms");
        params.put("OutId", message.messageId().toString());
        params.put("PhoneNumbers", RecipientRules.mainland(message.recipient()));
        params.put("SignName", message.template().smsSign());
        params.put("TemplateCode", message.template().providerTemplateId());
        params.put("TemplateParam", JSON.writeValueAsString(message.variables()));
        return call(params);
    }

    /** {@code SendBatchSms} takes at most 100 numbers a call. */
    @Override
    public int batchLimit() {
        return 100;
    }

    /**
     * Notices of one template share a call ({@code SendBatchSms} carries each number's own sign and parameters);
     * verification codes go alone, as Aliyun wants them ({@code SendSms}, and paced per number).
     */
    @Override
    public @Nullable String batchKey(Outgoing message) {
        return "captcha".equals(message.template().kind()) ? null
                : message.template().id() + "\n" + message.template().providerTemplateId() + "\n" + message.template().smsSign();
    }

    @Override
    public String address(Outgoing message) {
        return RecipientRules.mainland(message.recipient());
    }

    /**
     * {@code SendBatchSms}: the numbers, their signs and their template parameters as three JSON arrays in the same
     * order, signed like {@code SendSms}. Aliyun answers for the call as a whole, with one {@code BizId} for all (its
     * delivery receipts carry it with the number, which is how they find their message). A refusal of the whole call
     * that could be one number's fault (a code not known to concern the call, e.g. one number out of range) is not
     * taken as every message's: each is then sent alone with {@code SendSms}, so one bad number fails only itself —
     * Aliyun sent nothing of a refused call, so nobody receives twice.
     */
    @Override
    public List<SendOutcome> sendBatch(List<Outgoing> messages) {
        Template template = messages.getFirst().template();
        List<String> phones = new ArrayList<>(messages.size());
        List<String> signs = new ArrayList<>(messages.size());
        List<Map<String, String>> values = new ArrayList<>(messages.size());
        for (Outgoing m : messages) {
            phones.add(RecipientRules.mainland(m.recipient()));
            signs.add(template.smsSign());
            values.add(m.variables());
        }
        Map<String, String> params = new TreeMap<>();
        params.put("Action", "SendBatchSms");
        params.put("PhoneNumberJson", JSON.writeValueAsString(phones));
        params.put("SignNameJson", JSON.writeValueAsString(signs));
        params.put("TemplateCode", template.providerTemplateId());
        params.put("TemplateParamJson", JSON.writeValueAsString(values));
        SendOutcome outcome = call(params);
        if (outcome instanceof SendOutcome.Failed failed && perNumber(failed)) {
            return BatchSender.eachAlone(messages, this::send);
        }
        return java.util.Collections.nCopies(messages.size(), outcome);
    }

    /** Aliyun's refusals that concern the call itself (account, signature, template, sign): the same for each number alone. */
    private static final Set<String> CALL_WIDE = Set.of("InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive", "SignatureDoesNotMatch",
            "IncompleteSignature", "InvalidTimeStamp.Expired", "SignatureNonceUsed", "MissingParameter", "isv.SMS_TEMPLATE_ILLEGAL",
            "isv.SMS_SIGNATURE_ILLEGAL", "isv.SMS_SIGN_ILLEGAL", "isv.ACCOUNT_NOT_EXISTS", "isv.ACCOUNT_ABNORMAL", "isv.AMOUNT_NOT_ENOUGH",
            "isv.OUT_OF_SERVICE", "isv.PRODUCT_UN_SUBSCRIPT", "isv.PRODUCT_UNSUBSCRIBE", "isv.TEMPLATE_MISSING_PARAMETERS");

    /** A refusal with an Aliyun code (not an HTTP-level one) not known to concern the whole call: it may be one number's. */
    private static boolean perNumber(SendOutcome.Failed failed) {
        String reason = failed.reason();
        int colon = reason.indexOf(':');
        return reason.startsWith("aliyun ") && colon > 7 && !CALL_WIDE.contains(reason.substring(7, colon));
    }

    /** One signed call: the common parameters added to {@code params} (sorted), the answer read as an outcome. */
    private SendOutcome call(Map<String, String> params) {
        SenderProperties.Aliyun aliyun = properties.get().aliyun();
        params.put("AccessKeyId", aliyun.accessKeyId());
        params.put("Format", "JSON");
        params.put("RegionId", aliyun.regionId());
        params.put("SignatureMethod", "HMAC-SHA1");
        // unique per request (Aliyun refuses a nonce seen in the last 15 minutes); it need not be secret, the signature
        // covers it: a thread-local random instead of UUID.randomUUID's one locked SecureRandom for all the calls in flight
        ThreadLocalRandom random = ThreadLocalRandom.current();
        params.put("SignatureNonce", new UUID(random.nextLong(), random.nextLong()).toString());
        params.put("SignatureVersion", "1.0");
        params.put("Timestamp", TIMESTAMP.format(clock.instant()));
        params.put("Version", "2017-05-25");
        // the canonical query is both what is signed and the body: built once
        String query = query(params);
        String signature = signQuery("POST", query, aliyun.accessKeySecret());
        String body = "Signature=" + encode(signature) + "&" + query;
        ProviderHttp.Answer answer = http.post(trim(aliyun.baseUrl()) + "/",
                Map.of("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8", "Accept", "application/json"), body);
        JsonNode answered = json(answer.body());
        String code = field(answered, "Code");
        if (answer.failure() != null) {
            return code != null && !TRANSIENT.contains(code) && answer.status() < 500 && answer.status() != 429 && answer.status() != 0
                    ? new SendOutcome.Failed("aliyun " + code + ": " + SendOutcome.excerpt(answer.body())) : answer.failure();
        }
        if ("OK".equals(code)) {
            return new SendOutcome.Sent(field(answered, "BizId"), SendOutcome.excerpt(answer.body()));
        }
        return code != null && TRANSIENT.contains(code) ? new SendOutcome.Retry("aliyun " + code, null)
                : new SendOutcome.Failed("aliyun " + code + ": " + SendOutcome.excerpt(answer.body()));
    }

    /** Signature v1: Base64(HMAC-SHA1(secret + "&", METHOD & enc("/") & enc(canonical query))). */
    static String sign(String method, Map<String, String> sortedParams, String secret) {
        return signQuery(method, query(sortedParams), secret);
    }

    /** {@link #sign} of an already built canonical query. */
    static String signQuery(String method, String canonicalQuery, String secret) {
        String toSign = method + "&" + encode("/") + "&" + encode(canonicalQuery);
        return Base64.getEncoder().encodeToString(mac(secret).doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
    }

    /** The last secret's keyed HMAC, cloned for each use: a clone skips the provider lookup and the key set-up of a new one. */
    private static volatile @Nullable Keyed keyed;

    private record Keyed(String secret, Mac mac) {
    }

    private static Mac mac(String secret) {
        try {
            Keyed k = keyed;
            if (k == null || !k.secret().equals(secret)) {
                Mac mac = Mac.getInstance("HmacSHA1");
                mac.init(new SecretKeySpec((secret + "&").getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
                k = new Keyed(secret, mac);
                keyed = k;
            }
            return (Mac) k.mac().clone();
        } catch (java.security.GeneralSecurityException | CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    static String query(Map<String, String> sortedParams) {
        return sortedParams.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
    }

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    /**
     * Aliyun's percent-encoding: RFC 3986 unreserved characters (letters, digits, {@code - _ . ~}) kept, every
     * other UTF-8 byte as {@code %XX} (space %20, '*' %2A) — what {@code URLEncoder} with {@code + → %20},
     * {@code * → %2A}, {@code %7E → ~} gives, in one pass: each message encodes its ~15 parameters twice.
     */
    static String encode(String value) {
        int i = 0;
        while (i < value.length() && unreserved(value.charAt(i))) {
            i++;
        }
        if (i == value.length()) {
            return value;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            char c = (char) (b & 0xff);
            if (unreserved(c)) {
                out.append(c);
            } else {
                out.append('%').append((char) HEX[(b >> 4) & 0xf]).append((char) HEX[b & 0xf]);
            }
        }
        return out.toString();
    }

    private static boolean unreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    }

    private static @Nullable JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static @Nullable String field(@Nullable JsonNode node, String name) {
        JsonNode value = node == null ? null : node.get(name);
        return value == null || value.isNull() ? null : value.asString();
    }

    static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
