package io.kefu.routing;

import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.ServiceReadinessContract;
import org.springframework.boot.test.context.SpringBootTest;

@KefuIntegrationTest(classes = RoutingApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RoutingServiceReadyIT extends ServiceReadinessContract {

    RoutingServiceReadyIT() {
        super("routing");
    }
}
