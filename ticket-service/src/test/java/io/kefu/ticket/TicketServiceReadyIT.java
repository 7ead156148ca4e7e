package io.kefu.ticket;

import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.ServiceReadinessContract;
import org.springframework.boot.test.context.SpringBootTest;

@KefuIntegrationTest(classes = TicketApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TicketServiceReadyIT extends ServiceReadinessContract {

    TicketServiceReadyIT() {
        super("ticket");
    }
}
