package io.kefu.chat.conversation;

import java.util.Map;
import java.util.UUID;

import io.kefu.chat.ChatApplication;
import io.kefu.chat.ChatItSupport;
import io.kefu.chat.conversation.ChatHttp.Response;
import io.kefu.testsupport.KefuIntegrationTest;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-sender sending limit is shared in Redis: 429 beyond it, and every accepted message is kept. The limit is
 * hot: the test sets it at run time, as Nacos would, on the shared context.
 */
class SendRateLimitIT extends ChatItSupport {

    @Autowired
    Environment environment;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    RedissonClient redisson;

    @Test
    void aSenderBeyondTheLimitGets429AndAcceptedMessagesAreAllStored() throws Exception {
        withLiveSettings(Map.of("kefu.chat.conversation.send-rate-permits", "3", "kefu.chat.conversation.send-rate-period", "60s"),
                this::sendBeyondTheLimit);
        // Back to the run's setting: the same sender may send again at once.
        Person customer = customer(UUID.randomUUID());
        ChatHttp http = new ChatHttp(environment.getRequiredProperty("local.server.port", Integer.class));
        for (int i = 0; i < 5; i++) {
            assertThat(http.call("POST", "/api/message/send", Map.of("content", "again " + i), customer.token()).status()).isEqualTo(201);
        }
    }

    @Test
    void aRetriedSendTakesNoPermitAndIsAnsweredWithTheStoredMessageEvenAtTheLimit() throws Exception {
        withLiveSettings(Map.of("kefu.chat.conversation.send-rate-permits", "2", "kefu.chat.conversation.send-rate-period", "60s"), () -> {
            ChatHttp http = new ChatHttp(environment.getRequiredProperty("local.server.port", Integer.class));
            Person customer = customer(UUID.randomUUID());
            Map<String, Object> first = Map.of("content", "one", "clientMsgId", "c-" + UUID.randomUUID());
            Response stored = http.call("POST", "/api/message/send", first, customer.token());
            Response retried = http.call("POST", "/api/message/send", first, customer.token());
            // The retry took no permit: a second new message still fits in a limit of two.
            Response second = http.call("POST", "/api/message/send", Map.of("content", "two"), customer.token());
            Response third = http.call("POST", "/api/message/send", Map.of("content", "three"), customer.token());
            Response retriedAtTheLimit = http.call("POST", "/api/message/send", first, customer.token());

            assertThat(stored.status()).isEqualTo(201);
            assertThat(retried.body().path("id").asString()).isEqualTo(stored.body().path("id").asString());
            assertThat(second.status()).isEqualTo(201);
            assertThat(third.status()).isEqualTo(429);
            assertThat(retriedAtTheLimit.body().path("id").asString()).isEqualTo(stored.body().path("id").asString());
            assertThat(jdbc.queryForObject("select count(*) from message where sender_id = ?", Long.class, customer.id())).isEqualTo(2);
        });
    }

    @Test
    void aSenderWhoseBucketExpiredIsServedAndLimitedAgain() throws Exception {
        withLiveSettings(Map.of("kefu.chat.conversation.send-rate-permits", "2", "kefu.chat.conversation.send-rate-period", "60s"), () -> {
            ChatHttp http = new ChatHttp(environment.getRequiredProperty("local.server.port", Integer.class));
            Person customer = customer(UUID.randomUUID());
            assertThat(http.call("POST", "/api/message/send", Map.of("content", "one"), customer.token()).status()).isEqualTo(201);
            // What Redis does to an idle bucket after twice the period: its settings and state are gone.
            assertThat(redisson.getKeys().deleteByPattern("*send-rate*" + customer.id() + "*")).isPositive();

            assertThat(http.call("POST", "/api/message/send", Map.of("content", "two"), customer.token()).status()).isEqualTo(201);
            assertThat(http.call("POST", "/api/message/send", Map.of("content", "three"), customer.token()).status()).isEqualTo(201);
            assertThat(http.call("POST", "/api/message/send", Map.of("content", "four"), customer.token()).status()).isEqualTo(429);
            assertThat(jdbc.queryForObject("select count(*) from message where sender_id = ?", Long.class, customer.id())).isEqualTo(3);
        });
    }

    private void sendBeyondTheLimit() {
        ChatHttp http = new ChatHttp(environment.getRequiredProperty("local.server.port", Integer.class));
        Person customer = customer(UUID.randomUUID());
        int accepted = 0;
        Response refused = null;
        for (int i = 0; i < 5; i++) {
            Response response = http.call("POST", "/api/message/send", Map.of("content", "msg " + i), customer.token());
            if (response.status() == 201) {
                accepted++;
            } else {
                refused = response;
            }
        }

        assertThat(accepted).isEqualTo(3);
        assertThat(refused).isNotNull();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("rate-limited");
        assertThat(jdbc.queryForObject("select count(*) from message where sender_id = ?", Long.class, customer.id())).isEqualTo(3);
        // Another sender has a bucket of its own.
        Person other = customer(customer.tenantId());
        assertThat(http.call("POST", "/api/message/send", Map.of("content", "mine"), other.token()).status()).isEqualTo(201);
    }
}
