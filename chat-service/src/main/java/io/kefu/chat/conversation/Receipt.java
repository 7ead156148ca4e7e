package io.kefu.chat.conversation;

/** A client's acknowledgement of messages it received: it has them ({@code DELIVERED}) or showed them ({@code READ}). */
public enum Receipt {
    DELIVERED, READ
}
