package io.kefu.chat;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Feature packages of chat-service reach each other only through their public API. */
class ChatModulesTest {

    @Test
    void featurePackagesDoNotReachIntoEachOthersInternals() {
        ApplicationModules.of(ChatApplication.class).verify();
    }
}
