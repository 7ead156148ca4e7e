package io.kefu.kbai.llm;

import java.time.Duration;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.kbai.llm.*}, hot. The default model serves tenants that configured none of their own
 * ({@code /api/kb/ai-settings}); with no base URL anywhere the service runs without a model (the
 * middle band drafts the KB answer itself, the low band goes to a person).
 *
 * @param baseUrl             default OpenAI-compatible endpoint (e.g. https://dashscope.aliyuncs.com/compatible-mode/v1); blank = none
 * @param model               default model name (e.g. qwen-plus, deepseek-chat)
 * @param apiKey              default key (environment only; a tenant's own key is sealed in the database)
 * @param timeout             time limit of one call (Resilience4j TimeLimiter; a tenant may set its own, up to maxTimeout)
 * @param maxTimeout          the longest time limit a tenant may choose
 * @param temperature         sampling temperature
 * @param maxTokens           longest answer, in tokens
 * @param failureRate         percent of failed calls that opens a tenant's circuit breaker
 * @param minimumCalls        calls the breaker sees before it judges
 * @param openFor             how long an open breaker refuses calls before it lets a few through
 * @param maxConcurrentCalls  model calls in flight per instance (a bounded pool)
 */
@Validated
@ConfigurationProperties("kefu.kbai.llm")
public record LlmProperties(
        @DefaultValue("") String baseUrl,
        @DefaultValue("") String model,
        @DefaultValue("") String apiKey,
        @DefaultValue("15s") @NotNull Duration timeout,
        @DefaultValue("60s") @NotNull Duration maxTimeout,
        @DefaultValue("0.3") @DecimalMin("0") @DecimalMax("2") double temperature,
        @DefaultValue("512") @Min(16) @Max(8192) int maxTokens,
        @DefaultValue("50") @Min(1) @Max(100) int failureRate,
        @DefaultValue("5") @Min(1) @Max(1000) int minimumCalls,
        @DefaultValue("30s") @NotNull Duration openFor,
        @DefaultValue("16") @Min(1) @Max(512) int maxConcurrentCalls) {

    boolean hasDefault() {
        return !baseUrl.isBlank() && !model.isBlank();
    }
}
