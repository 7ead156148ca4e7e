package io.kefu.push;

import io.kefu.testsupport.ServiceReadinessContract;
import org.springframework.boot.test.context.SpringBootTest;
import io.kefu.testsupport.KefuIntegrationTest;

@KefuIntegrationTest(classes = PushApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PushServiceReadyIT extends ServiceReadinessContract {

    PushServiceReadyIT() {
        super("push");
    }
}
