package io.kefu.chat.realtime;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.kefu.chat.ChatItSupport;
import io.kefu.chat.conversation.MessageSending;
import io.kefu.chat.conversation.SendCommand;
import io.kefu.testsupport.StompTestClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.transaction.CannotCreateTransactionException;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.doThrow;

/**
 * A SEND the database fails on (here: no pooled connection within Hikari's timeout, as the 10,500-session
 * benchmark saw under load) is answered on {@code /user/queue/errors} with 503 {@code service-unavailable}
 * and its {@code clientMsgId}, so that the client knows which message to send again; the next SEND is served.
 */
class StompSendFailureIT extends ChatItSupport {

    static final Duration WAIT = Duration.ofSeconds(15);

    @Autowired
    Environment environment;
    @MockitoSpyBean
    MessageSending sending;

    @Test
    void aSendTheDatabaseFailsOnIsAnsweredWithItsClientMsgId() throws Exception {
        doThrow(new CannotCreateTransactionException("Could not open JPA EntityManager for transaction"))
                .when(sending).send(any(), argThat((SendCommand c) -> c != null && "db-down".equals(c.clientMsgId())));
        Person customer = customer(UUID.randomUUID());
        try (StompTestClient c = StompTestClient.connect("ws://127.0.0.1:" + environment.getRequiredProperty("local.server.port") + "/ws",
                customer.token())) {
            c.subscribe("/user/queue/errors").subscribe("/user/queue/acks").ready();
            c.send("/app/chat.send", Map.of("content", "hi", "clientMsgId", "db-down"));
            JsonNode error = c.await("/user/queue/errors", WAIT, f -> true);
            assertThat(error.path("code").asString()).isEqualTo("service-unavailable");
            assertThat(error.path("status").asInt()).isEqualTo(503);
            assertThat(error.path("clientMsgId").asString()).isEqualTo("db-down");
            assertThat(error.path("destination").asString()).isEqualTo("/app/chat.send");

            c.send("/app/chat.send", Map.of("content", "hi again", "clientMsgId", "db-up"));
            JsonNode ack = c.await("/user/queue/acks", WAIT, f -> "db-up".equals(f.path("clientMsgId").asString()));
            assertThat(ack.path("status").asString()).isEqualTo("sent");
        }
    }
}
