package io.kefu.kbai.llm;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.TokenUsage;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.kefu.common.config.LiveProperties;
import io.kefu.kbai.llm.TenantAi.ModelConfig;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The chat models behind one interface: any OpenAI-compatible endpoint (Qwen, DeepSeek, ERNIE, a
 * local server) through LangChain4j, one client per tenant's settings. Each call runs under a
 * Resilience4j time limit and the tenant's circuit breaker (an endpoint that keeps failing is left
 * alone for {@code openFor}, so a dead model costs a customer no wait), at most {@code maxConcurrentCalls} at once
 * (a call over the cap waits for a slot up to its time limit, then fails {@code busy}; so one call takes at most twice its
 * time limit), with no retries of its own
 * (the answer's fallback is the retry). Never called inside a transaction.
 */
@Component
public class ChatModels implements DisposableBean {

    private final LiveProperties<LlmProperties> properties;
    private final Map<String, ChatModel> clients = new ConcurrentHashMap<>();
    private final Map<UUID, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore inFlight;

    ChatModels(LiveProperties<LlmProperties> properties) {
        this.properties = properties;
        this.inFlight = new Semaphore(properties.get().maxConcurrentCalls());
    }

    /**
     * Asks {@code config}'s model; returns its non-blank answer with the tokens it used.
     *
     * @throws ModelFailure rate_limited, timeout, circuit_open, busy, empty or failed
     */
    public Completion complete(UUID tenantId, ModelConfig config, List<ChatMessage> messages) {
        LlmProperties p = properties.get();
        CircuitBreaker breaker = breakers.computeIfAbsent(tenantId, id -> CircuitBreaker.of("llm-" + id, CircuitBreakerConfig.custom()
                .failureRateThreshold(p.failureRate()).minimumNumberOfCalls(p.minimumCalls()).slidingWindowSize(Math.max(10, p.minimumCalls()))
                .waitDurationInOpenState(p.openFor()).recordException(e -> !(e instanceof CallNotPermittedException)).build()));
        TimeLimiter limiter = TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(config.timeout()).cancelRunningFuture(true).build());
        ChatModel model = clients.computeIfAbsent(key(config), k -> build(config, p));
        // A call over the cap waits for a free slot, within its own time limit: a burst (the backlog a restarted or reconnected
        // instance drains, the retry job's retaken claims) is drafted a moment later instead of being handed to people at once.
        if (!acquire(config.timeout())) {
            throw new ModelFailure("busy", "more than " + p.maxConcurrentCalls() + " model calls in flight for "
                    + config.timeout().toMillis() + " ms", null);
        }
        try {
            ChatResponse response = breaker.executeCallable(() -> limiter.executeFutureSupplier(
                    () -> CompletableFuture.supplyAsync(() -> model.chat(messages), calls)));
            String text = response.aiMessage() == null ? null : response.aiMessage().text();
            if (text == null || text.isBlank()) {
                throw new ModelFailure("empty", "the model answered nothing", null);
            }
            TokenUsage usage = response.tokenUsage();
            return new Completion(text.strip(), config.model(), usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                    usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount());
        } catch (ModelFailure e) {
            throw e;
        } catch (CallNotPermittedException e) {
            throw new ModelFailure("circuit_open", "the model of tenant " + tenantId + " failed too often; not called for a while", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ModelFailure("timeout", "no answer within " + config.timeout().toMillis() + " ms", e);
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException || e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
            if (cause instanceof RateLimitException) {
                throw new ModelFailure("rate_limited", String.valueOf(cause.getMessage()), cause);
            }
            throw new ModelFailure("failed", cause == null ? e.toString() : cause.getClass().getSimpleName() + ": " + cause.getMessage(), e);
        } finally {
            inFlight.release();
        }
    }

    private boolean acquire(Duration wait) {
        try {
            return inFlight.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String key(ModelConfig config) {
        return config.baseUrl() + "|" + config.model() + "|" + config.timeout() + "|" + Integer.toHexString(config.apiKey().hashCode());
    }

    private static ChatModel build(ModelConfig config, LlmProperties p) {
        Duration timeout = config.timeout();
        return OpenAiChatModel.builder()
                .baseUrl(config.baseUrl())
                .apiKey(config.apiKey().isEmpty() ? "none" : config.apiKey())
                .modelName(config.model())
                .temperature(p.temperature())
                .maxTokens(p.maxTokens())
                .timeout(timeout)
                .maxRetries(0)
                .httpClientBuilder(new JdkHttpClientBuilder().connectTimeout(timeout).readTimeout(timeout))
                .build();
    }

    @Override
    public void destroy() {
        calls.close();
    }
}
