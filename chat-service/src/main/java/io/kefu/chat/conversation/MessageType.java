package io.kefu.chat.conversation;

import java.util.Optional;

public enum MessageType {
    TEXT, IMAGE, VOICE, FILE, SYSTEM;

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<MessageType> find(String code) {
        return Codes.find(MessageType.class, MessageType::code, code);
    }
}
