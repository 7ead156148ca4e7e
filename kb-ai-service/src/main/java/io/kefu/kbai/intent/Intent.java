package io.kefu.kbai.intent;

/** What a customer's question is about (seed 003's AI intent routing); routing picks the group by it. */
public enum Intent {
    PRESALE, AFTERSALE, COMPLAINT, HUMAN, OTHER;

    public String code() {
        return name().toLowerCase();
    }
}
