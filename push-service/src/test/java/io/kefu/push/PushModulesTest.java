package io.kefu.push;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Feature packages of push-service reach each other only through their public API. */
class PushModulesTest {

    @Test
    void featurePackagesDoNotReachIntoEachOthersInternals() {
        ApplicationModules.of(PushApplication.class).verify();
    }
}
