package io.kefu.kbai.retrieval;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.kbai.KbAiApplication;
import io.kefu.kbai.KbAiItSupport;
import io.kefu.testsupport.KefuApps;
import io.kefu.testsupport.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second instance on the same database: an item created, changed and deleted through one instance
 * answers (or stops answering) on the other within a second (the change log is read every 200 ms).
 * The latency is printed, not asserted; the wait has a deadline.
 */
class TwoInstancesIT extends KbAiItSupport {

    static ConfigurableApplicationContext second;

    @AfterAll
    static void stopSecond() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void anItemChangedOnOneInstanceAnswersOnTheOther() {
        second = KefuApps.start(KbAiApplication.class, Map.of("kefu.security.jwk-set-uri", TestTokens.jwkSetUri()));
        int other = KefuApps.port(second);
        UUID tenant = UUID.randomUUID();
        String token = supervisor(tenant);
        Response created = call("POST", "/api/kb/items", Map.of("question", "W2手表防水吗？", "answer", "5ATM防水。",
                "similarQuestions", List.of("W2能游泳吗")), token);
        String id = created.body().get("id").asString();
        long t0 = System.nanoTime();
        await("the other instance finds the new item", Duration.ofSeconds(10), () -> hitIs(other, token, id));
        System.out.printf("created on A, answering on B after %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        Map<String, Object> disabled = Map.of("question", "W2手表防水吗？", "answer", "5ATM防水。", "enabled", false);
        assertThat(call("PUT", "/api/kb/items/" + id, disabled, token).status()).isEqualTo(200);
        long t1 = System.nanoTime();
        await("the other instance stops answering with the disabled item", Duration.ofSeconds(10), () -> !hitIs(other, token, id));
        System.out.printf("disabled on A, gone from B after %d ms%n", (System.nanoTime() - t1) / 1_000_000);

        Map<String, Object> enabled = Map.of("question", "W2手表防水吗？", "answer", "5ATM防水。", "enabled", true);
        assertThat(call(other, "PUT", "/api/kb/items/" + id, enabled, token).status()).isEqualTo(200);
        await("this instance answers again after B enabled it", Duration.ofSeconds(10), () -> hitIs(port(), token, id));
        assertThat(call(other, "DELETE", "/api/kb/items/" + id, null, token).status()).isEqualTo(204);
        long t2 = System.nanoTime();
        await("deleted on B, gone from A", Duration.ofSeconds(10), () -> !hitIs(port(), token, id));
        System.out.printf("deleted on B, gone from A after %d ms%n", (System.nanoTime() - t2) / 1_000_000);
    }

    private static boolean hitIs(int port, String token, String id) {
        Response r = call(port, "POST", "/api/kb/search", Map.of("query", "W2手表防水吗", "topK", 1), token);
        return r.status() == 200 && r.body().get("hits").size() > 0 && r.body().get("hits").get(0).get("itemId").asString().equals(id);
    }
}
