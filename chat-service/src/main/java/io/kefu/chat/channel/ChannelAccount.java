package io.kefu.chat.channel;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A tenant's Official Account or WeCom app, as the admin API and other packages see it: the
 * secrets themselves never leave this package, only whether they are set.
 *
 * @param kind    {@code mp} (appId) or {@code wecom} (corpId + agentId)
 * @param enabled a disabled account refuses callbacks (404) and sends nothing
 */
public record ChannelAccount(
        UUID id,
        UUID tenantId,
        String kind,
        String name,
        @Nullable String appId,
        @Nullable String corpId,
        @Nullable Integer agentId,
        boolean enabled,
        boolean secretSet,
        boolean tokenSet,
        boolean aesKeySet,
        Instant createdAt,
        Instant updatedAt) {

    public static final String MP = "mp";
    public static final String WECOM = "wecom";

    public boolean isMp() {
        return MP.equals(kind);
    }

    public boolean isWecom() {
        return WECOM.equals(kind);
    }
}
