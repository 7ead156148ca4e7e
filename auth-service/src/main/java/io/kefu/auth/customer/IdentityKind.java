package io.kefu.auth.customer;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The channels through which a customer can be recognised. Wire and database values are the lower-case names. */
public enum IdentityKind {
    @JsonProperty("mp_openid") MP_OPENID(true),
    @JsonProperty("miniapp_openid") MINIAPP_OPENID(true),
    @JsonProperty("wecom_external_userid") WECOM_EXTERNAL_USERID(true),
    @JsonProperty("phone") PHONE(false);

    private final boolean perApp;

    IdentityKind(boolean perApp) {
        this.perApp = perApp;
    }

    /** Openids differ per app; a phone number does not. */
    public boolean perApp() {
        return perApp;
    }

    public String wire() {
        return name().toLowerCase();
    }
}
