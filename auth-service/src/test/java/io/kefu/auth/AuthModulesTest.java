package io.kefu.auth;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Feature packages of auth-service reach each other only through their public API. */
class AuthModulesTest {

    @Test
    void featurePackagesDoNotReachIntoEachOthersInternals() {
        ApplicationModules.of(AuthApplication.class).verify();
    }
}
