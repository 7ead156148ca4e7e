package io.kefu.push.sender;

import java.util.regex.Pattern;

import io.kefu.push.template.Channel;
import org.jspecify.annotations.Nullable;

/** The shape of a recipient on each channel; a malformed one is rejected before anything is stored. */
public final class RecipientRules {

    /** Mainland mobile numbers with or without +86, or E.164 international numbers. */
    private static final Pattern PHONE = Pattern.compile("(\\+?86)?1[3-9]\\d{9}|\\+[1-9]\\d{6,14}");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+\\-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,62}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,62}[A-Za-z0-9])?)+");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_\\-:.@]{1,200}");

    private RecipientRules() {
    }

    /** Null when {@code recipient} fits {@code channel}/{@code kind}; otherwise why not. */
    public static @Nullable String problem(Channel channel, String kind, @Nullable String recipient, boolean allowPrivateUrls) {
        if (recipient == null || recipient.isBlank()) {
            return "empty recipient";
        }
        if (recipient.length() > 1000 || recipient.indexOf('\0') >= 0) {
            return "recipient too long or contains a NUL character";
        }
        return switch (channel) {
            case SMS -> PHONE.matcher(recipient).matches() ? null : "not a mobile number";
            case EMAIL -> recipient.length() <= 254 && EMAIL.matcher(recipient).matches() ? null : "not an email address";
            case APP, WECHAT -> TOKEN.matcher(recipient).matches() ? null : "not a " + (channel == Channel.APP ? "device or user id" : "openid/userid");
            case FEISHU -> "bot".equals(kind) ? UrlGuard.problem(recipient, allowPrivateUrls)
                    : TOKEN.matcher(recipient).matches() ? null : "not a Feishu open_id/user_id";
        };
    }

    /** The number without +86, as Chinese SMS providers want mainland numbers. */
    public static String mainland(String phone) {
        if (phone.startsWith("+86")) {
            return phone.substring(3);
        }
        if (phone.startsWith("86") && phone.length() == 13) {
            return phone.substring(2);
        }
        return phone;
    }
}
