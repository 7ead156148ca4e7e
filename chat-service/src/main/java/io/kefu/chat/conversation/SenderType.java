package io.kefu.chat.conversation;

public enum SenderType {
    CUSTOMER, STAFF, AI, SYSTEM;

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
