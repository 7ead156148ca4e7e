package io.kefu.stats;

import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.ServiceReadinessContract;
import org.springframework.boot.test.context.SpringBootTest;

@KefuIntegrationTest(classes = StatsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StatsServiceReadyIT extends ServiceReadinessContract {

    StatsServiceReadyIT() {
        super("stats");
    }
}
