package io.kefu.ticket;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Feature packages of ticket-service reach each other only through their public API. */
class TicketModulesTest {

    @Test
    void featurePackagesDoNotReachIntoEachOthersInternals() {
        ApplicationModules.of(TicketApplication.class).verify();
    }
}
