package io.kefu.kbai;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Feature packages of kb-ai-service reach each other only through their public API. */
class KbAiModulesTest {

    @Test
    void featurePackagesDoNotReachIntoEachOthersInternals() {
        ApplicationModules.of(KbAiApplication.class).verify();
    }
}
