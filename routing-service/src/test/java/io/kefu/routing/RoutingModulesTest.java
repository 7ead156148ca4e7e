package io.kefu.routing;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Feature packages of routing-service reach each other only through their public API. */
class RoutingModulesTest {

    @Test
    void featurePackagesDoNotReachIntoEachOthersInternals() {
        ApplicationModules.of(RoutingApplication.class).verify();
    }
}
