package io.kefu.chat.identity;

import java.time.Duration;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.security.SecurityProperties;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Which customer is behind a channel identity (OA openid, WeCom external userid), asked of
 * auth-service's {@code /internal/identities/resolve} and cached in Redis: a mapping never changes
 * once made, so every instance can reuse it for an hour and auth sees one call per person and hour.
 */
@Component
public class CustomerIdentities {

    /** auth-service's identity kinds this service uses. */
    public enum Kind {
        MP_OPENID, WECOM_EXTERNAL_USERID;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static final Duration CACHE_TTL = Duration.ofHours(1);

    private final RestClient auth;
    private final RedissonClient redisson;

    CustomerIdentities(@Value("${kefu.chat.auth-url}") String authUrl, LiveProperties<SecurityProperties> security,
            RedissonClient redisson, RestClient.Builder builder) {
        var factory = new JdkClientHttpRequestFactory();
        factory.setReadTimeout(Duration.ofSeconds(5));
        // The token is read per request so that a rotated KEFU_INTERNAL_TOKEN applies without a restart.
        this.auth = builder.clone().baseUrl(authUrl).requestFactory(factory)
                .requestInterceptor((request, body, execution) -> {
                    request.getHeaders().set("X-Kefu-Internal-Token", security.get().internalToken());
                    return execution.execute(request, body);
                }).build();
        this.redisson = redisson;
    }

    record ResolveRequest(UUID tenantId, String kind, @Nullable String appId, String value, @Nullable String unionId) {
    }

    record Resolution(UUID customerId, boolean created) {
    }

    /**
     * The customer id for this identity, creating the customer in auth-service on first sight.
     *
     * @throws KefuProblemException 503 when auth-service cannot answer (the caller retries later)
     */
    public UUID resolve(UUID tenantId, Kind kind, String appId, String value, @Nullable String unionId) {
        RBucket<String> cached = redisson.getBucket("kefu:chat:identity:" + tenantId + ":" + kind.wire() + ":" + appId + ":" + value,
                StringCodec.INSTANCE);
        String hit = cached.get();
        if (hit != null) {
            return UUID.fromString(hit);
        }
        Resolution resolution;
        try {
            resolution = auth.post().uri("/internal/identities/resolve")
                    .body(new ResolveRequest(tenantId, kind.wire(), appId, value, unionId))
                    .retrieve().body(Resolution.class);
        } catch (RestClientException e) {
            throw new KefuProblemException(ProblemType.UNAVAILABLE, "auth-service cannot resolve identities now: " + e.getMessage());
        }
        if (resolution == null) {
            throw new KefuProblemException(ProblemType.UNAVAILABLE, "auth-service answered without a customer id");
        }
        cached.set(resolution.customerId().toString(), CACHE_TTL);
        return resolution.customerId();
    }
}
