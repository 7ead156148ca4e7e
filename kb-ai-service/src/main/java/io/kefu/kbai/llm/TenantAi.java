package io.kefu.kbai.llm;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A tenant's AI settings as the answer policy reads them.
 *
 * @param model   the model its questions go to (its own or the service's default); null when none
 * @param lowBand what questions below the lower threshold get
 */
public record TenantAi(@Nullable ModelConfig model, LowBand lowBand) {

    /** An OpenAI-compatible endpoint; {@code apiKey} is in clear here, in memory only. */
    public record ModelConfig(String baseUrl, String model, String apiKey, Duration timeout, long version) {

        @Override
        public String toString() {
            return "ModelConfig[" + baseUrl + ", " + model + ", timeout=" + timeout + "]"; // never the key
        }
    }

    public boolean hasModel() {
        return model != null;
    }
}
