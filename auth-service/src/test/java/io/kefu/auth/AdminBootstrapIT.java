package io.kefu.auth;

import java.util.Map;

import io.kefu.testsupport.KefuApps;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminBootstrapIT {

    @Test
    void theProdProfileRefusesTheDefaultAdminPassword() {
        assertThatThrownBy(() -> KefuApps.start(AuthApplication.class, Map.of(
                "spring.profiles.active", "prod",
                "kefu.auth.secret-key", "a-real-secret-key-for-this-test",
                "kefu.auth.admin.password", "kefu-admin-local")).close())
                .rootCause().hasMessageContaining("KEFU_ADMIN_PASSWORD").hasMessageContaining("prod");
    }

    @Test
    void theProdProfileRefusesTheDefaultSecretKey() {
        assertThatThrownBy(() -> KefuApps.start(AuthApplication.class, Map.of(
                "spring.profiles.active", "prod",
                "kefu.auth.admin.password", "a-strong-admin-password")).close())
                .rootCause().hasMessageContaining("KEFU_AUTH_SECRET_KEY");
    }
}
