package io.kefu.auth.token;

import java.time.Clock;
import java.util.Map;

import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.security.KefuJwtValidators;
import io.kefu.common.security.SecurityProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.redisson.api.RedissonClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The JWKS every validator reads, and the admin's "rotate now". */
@RestController
@Tag(name = "keys", description = "JWKS and signing-key rotation")
class KeysController {

    private final SigningKeys keys;

    KeysController(SigningKeys keys) {
        this.keys = keys;
    }

    @GetMapping("/.well-known/jwks.json")
    @Operation(summary = "Public keys of every signing key whose tokens may still be valid")
    ResponseEntity<Map<String, Object>> jwks() {
        // short cache: a validator that meets an unknown kid re-fetches anyway
        return ResponseEntity.ok().cacheControl(CacheControl.maxAge(java.time.Duration.ofMinutes(1)).cachePublic())
                .body(keys.publicKeys().toJSONObject(true));
    }

    @PostMapping("/api/admin/keys/rotate")
    @Operation(summary = "superadmin: make a new signing key active now; old tokens stay valid")
    Map<String, String> rotate() {
        return Map.of("kid", keys.rotate());
    }
}

/** Scheduled rotation: XXL-JOB handler, or the local schedule kefu.jobs.local.jwt-key-rotation.cron. */
@Component
class KeyRotationJob {

    private final SigningKeys keys;

    KeyRotationJob(SigningKeys keys) {
        this.keys = keys;
    }

    /** Idempotent: rotates only once the signing key is older than kefu.auth.key-rotation-interval. */
    @XxlJob("jwt-key-rotation")
    public void rotateWhenDue() {
        keys.rotateIfDue();
    }
}

/** auth-service validates its own tokens from its key table instead of calling its own JWKS over HTTP. */
@Configuration(proxyBeanMethods = false)
class LocalJwtDecoderConfiguration {

    @Bean
    JwtDecoder jwtDecoder(SigningKeys keys, LiveProperties<SecurityProperties> security, RedissonClient redisson, Clock clock) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource((selector, context) -> keys.select(selector))
                .jwsAlgorithm(SignatureAlgorithm.RS256).build();
        decoder.setJwtValidator(KefuJwtValidators.of(security.get(), redisson, clock));
        return decoder;
    }
}
