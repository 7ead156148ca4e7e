package io.kefu.kbai;

import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.ServiceReadinessContract;
import org.springframework.boot.test.context.SpringBootTest;

@KefuIntegrationTest(classes = KbAiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KbAiServiceReadyIT extends ServiceReadinessContract {

    KbAiServiceReadyIT() {
        super("kb_ai");
    }
}
