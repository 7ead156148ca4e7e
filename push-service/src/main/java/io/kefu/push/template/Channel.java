package io.kefu.push.template;

import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The five channels, each with the kinds of message it carries (the first is the default). */
public enum Channel {
    SMS(Set.of("notice", "captcha"), "notice"),
    EMAIL(Set.of("email"), "email"),
    APP(Set.of("push"), "push"),
    WECHAT(Set.of("subscribe", "template", "wecom"), "subscribe"),
    FEISHU(Set.of("bot", "app"), "bot");

    private final Set<String> kinds;
    private final String defaultKind;

    Channel(Set<String> kinds, String defaultKind) {
        this.kinds = kinds;
        this.defaultKind = defaultKind;
    }

    public Set<String> kinds() {
        return kinds;
    }

    public String defaultKind() {
        return defaultKind;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Channel of(String value) {
        for (Channel channel : values()) {
            if (channel.wire().equals(value)) {
                return channel;
            }
        }
        throw new IllegalArgumentException("unknown channel " + value + "; one of sms, email, app, wechat, feishu");
    }
}
