package io.kefu.stats;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Feature packages of stats-service reach each other only through their public API. */
class StatsModulesTest {

    @Test
    void featurePackagesDoNotReachIntoEachOthersInternals() {
        ApplicationModules.of(StatsApplication.class).verify();
    }
}
