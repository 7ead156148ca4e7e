package io.kefu.chat;

import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.ServiceReadinessContract;
import org.springframework.boot.test.context.SpringBootTest;

@KefuIntegrationTest(classes = ChatApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ChatServiceReadyIT extends ServiceReadinessContract {

    ChatServiceReadyIT() {
        super("chat");
    }
}
