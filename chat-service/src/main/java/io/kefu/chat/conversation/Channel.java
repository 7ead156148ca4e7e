package io.kefu.chat.conversation;

import java.util.Optional;

/** The entry a customer writes through; a reply leaves by the same one. */
public enum Channel {
    /** Mini-program (or web) client over STOMP. */
    MINIAPP,
    /** WeChat Official Account: callbacks in, customer-service message API out. */
    MP,
    /** WeCom: employees and external contacts. */
    WECOM,
    /** A browser client over STOMP. */
    WEB;

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<Channel> find(String code) {
        return Codes.find(Channel.class, Channel::code, code);
    }

    /** Whether replies are pushed over STOMP (the client is ours) rather than through a WeChat API. */
    public boolean realtime() {
        return this == MINIAPP || this == WEB;
    }
}
