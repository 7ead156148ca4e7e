package io.kefu.kbai.llm;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.langchain4j.data.message.UserMessage;
import io.kefu.common.config.LiveProperties;
import io.kefu.kbai.llm.TenantAi.ModelConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cap on model calls in flight ({@code max-concurrent-calls}) through the production client, the model played by
 * WireMock: a call over the cap waits for a free slot within its own time limit — the backlog a restarted instance
 * drains is answered, not handed to people at once (AiFirstLineKillAndBrokerOutageE2ETest) — and fails {@code busy}
 * only when no slot frees in that time.
 */
class ChatModelsTest {

    static final String COMPLETION = """
            {"id":"c","object":"chat.completion","created":1700000000,"model":"qwen","choices":[{"index":0,
            "message":{"role":"assistant","content":"好的"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}""";

    WireMockServer model;
    ChatModels models;

    @BeforeEach
    void start() {
        model = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        model.start();
        models = new ChatModels(LiveProperties.bind(new MockEnvironment().withProperty("kefu.kbai.llm.max-concurrent-calls", "1"),
                LlmProperties.class));
    }

    @AfterEach
    void stop() {
        models.destroy();
        model.stop();
    }

    @Test
    void aCallOverTheCapWaitsForAFreeSlotWithinItsTimeLimit() {
        modelTakes(700);
        ModelConfig config = config(Duration.ofSeconds(5));
        CompletableFuture<Completion> first = CompletableFuture.supplyAsync(() -> ask(config));
        CompletableFuture<Completion> second = CompletableFuture.supplyAsync(() -> ask(config));
        assertThat(first.join().text()).isEqualTo("好的");
        assertThat(second.join().text()).isEqualTo("好的");
        assertThat(model.getAllServeEvents()).hasSize(2);
    }

    @Test
    void aCallThatFindsNoFreeSlotWithinItsTimeLimitFailsBusy() throws Exception {
        modelTakes(2_000);
        CompletableFuture<Completion> holder = CompletableFuture.supplyAsync(() -> ask(config(Duration.ofSeconds(5))));
        Thread.sleep(500); // the first call takes the only slot before it sends; the model keeps it 2 s
        assertThatThrownBy(() -> ask(config(Duration.ofMillis(200)))).isInstanceOfSatisfying(ModelFailure.class,
                f -> assertThat(f.kind()).isEqualTo("busy"));
        assertThat(holder.join().text()).isEqualTo("好的");
        assertThat(model.getAllServeEvents()).hasSize(1);
    }

    private void modelTakes(int millis) {
        model.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse().withFixedDelay(millis)
                .withHeader("Content-Type", "application/json").withBody(COMPLETION)));
    }

    private Completion ask(ModelConfig config) {
        return models.complete(UUID.randomUUID(), config, List.of(UserMessage.from("客户的问题：你好")));
    }

    private ModelConfig config(Duration timeout) {
        return new ModelConfig(model.baseUrl() + "/v1", "qwen", "sk-test", timeout, 1);
    }
}
