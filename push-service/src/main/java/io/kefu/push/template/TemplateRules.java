package io.kefu.push.template;

import java.util.Set;
import java.util.regex.Pattern;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import org.jspecify.annotations.Nullable;

/** What a template must satisfy before it is stored: sizes per channel, kinds, the platform ids each kind needs. */
public final class TemplateRules {

    public static final int MAX_VARIABLES = 50;
    private static final Pattern PROVIDER_ID = Pattern.compile("[A-Za-z0-9_\\-.]{1,128}");
    private static final Set<String> SMS_PROVIDERS = Set.of("aliyun", "tencent");

    private TemplateRules() {
    }

    /** The most characters a template's content may have on {@code channel}. */
    public static int maxContent(Channel channel) {
        return switch (channel) {
            case SMS -> 500;
            case EMAIL -> 100_000;
            case APP -> 2_000;
            case WECHAT -> 4_000;
            case FEISHU -> 20_000;
        };
    }

    /** The spec with defaults filled in, or a 400 problem naming the field. */
    public static Template.Spec check(Template.Spec spec) {
        text("name", spec.name(), 1, 100);
        if (spec.channel() == null) {
            throw invalid("channel", "channel is required: sms, email, app, wechat or feishu");
        }
        Channel channel = spec.channel();
        String kind = spec.kind() == null ? channel.defaultKind() : spec.kind();
        if (!channel.kinds().contains(kind)) {
            throw invalid("kind", "kind of a " + channel.wire() + " template is one of " + channel.kinds());
        }
        text("content", spec.content(), 1, maxContent(channel));
        optional("title", spec.title(), 200);
        optional("page", spec.page(), 500);
        optional("smsSign", spec.smsSign(), 64);
        if (spec.providerTemplateId() != null && !PROVIDER_ID.matcher(spec.providerTemplateId()).matches()) {
            throw invalid("providerTemplateId", "providerTemplateId is 1-128 letters, digits, '_', '-' or '.'");
        }
        String provider = spec.provider();
        if (channel == Channel.SMS) {
            if (provider != null && !SMS_PROVIDERS.contains(provider)) {
                throw invalid("provider", "provider of an SMS template is aliyun or tencent (or unset for the configured default)");
            }
            if (spec.providerTemplateId() == null || spec.smsSign() == null || spec.smsSign().isBlank()) {
                throw invalid("providerTemplateId", "an SMS template needs the provider's template code (providerTemplateId) and its sign (smsSign)");
            }
        } else if (provider != null) {
            throw invalid("provider", "provider is only chosen for SMS templates");
        }
        if (channel == Channel.WECHAT && !"wecom".equals(kind) && spec.providerTemplateId() == null) {
            throw invalid("providerTemplateId", "a WeChat " + kind + " message needs the platform's template id (providerTemplateId)");
        }
        if (TemplateText.declared(spec.title(), spec.content()).size() > MAX_VARIABLES) {
            throw invalid("content", "a template declares at most " + MAX_VARIABLES + " variables");
        }
        return new Template.Spec(spec.name().strip(), channel, kind, spec.title(), spec.content(),
                spec.status() == null ? TemplateStatus.ACTIVE : spec.status(), provider, spec.providerTemplateId(), spec.smsSign(), spec.page());
    }

    private static void text(String field, @Nullable String value, int min, int max) {
        if (value == null || value.isBlank() && min > 0) {
            throw invalid(field, field + " is required");
        }
        if (value.length() < min || value.length() > max) {
            throw invalid(field, field + " is " + min + "-" + max + " characters");
        }
        if (value.indexOf('\0') >= 0) {
            throw invalid(field, field + " contains a NUL character");
        }
    }

    private static void optional(String field, @Nullable String value, int max) {
        if (value != null) {
            text(field, value, 0, max);
        }
    }

    static KefuProblemException invalid(String field, String detail) {
        return new KefuProblemException(ProblemType.VALIDATION, detail, java.util.Map.of("field", field));
    }
}
