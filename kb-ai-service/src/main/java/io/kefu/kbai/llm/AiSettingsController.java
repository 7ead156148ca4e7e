package io.kefu.kbai.llm;

import java.net.URI;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.kbai.llm.AiSettings.Stored;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A tenant's AI settings: its model (any OpenAI-compatible endpoint) and the low band's route (tenant admins). */
@RestController
@RequestMapping("/api/kb/ai-settings")
@Tag(name = "ai-settings")
class AiSettingsController {

    private final AiSettings settings;

    AiSettingsController(AiSettings settings) {
        this.settings = settings;
    }

    /**
     * @param baseUrl   OpenAI-compatible endpoint, e.g. https://api.deepseek.com/v1; blank = the service's default model
     * @param apiKey    omitted = keep the stored key, "" = remove it; never shown back
     * @param timeoutMs time limit of one model call
     * @param lowBand   review (a model-written draft for review) or human (a person at once)
     */
    record SettingsBody(@Nullable @Size(max = 500) @Pattern(regexp = "(https?://[^\\s\\x00]+)?") String baseUrl,
            @Nullable @Size(max = 200) @Pattern(regexp = "[^\\x00-\\x1f]*") String model,
            @Nullable @Size(max = 500) @Pattern(regexp = "[^\\x00-\\x1f]*") String apiKey,
            @Min(1000) @Max(60_000) int timeoutMs, @Nullable @Pattern(regexp = "review|human") String lowBand) {
    }

    @Operation(summary = "The tenant's AI settings (admin); the key is never shown, only whether one is stored")
    @GetMapping
    Stored get() {
        return settings.stored(admin().tenantId());
    }

    @Operation(summary = "Set the tenant's model and low-band route (admin)")
    @PutMapping
    Stored put(@Valid @RequestBody SettingsBody body) {
        KefuPrincipal me = admin();
        if (body.baseUrl() != null && !body.baseUrl().isBlank()) {
            try {
                URI uri = URI.create(body.baseUrl());
                if (uri.getHost() == null) {
                    throw new IllegalArgumentException("no host");
                }
            } catch (IllegalArgumentException e) {
                throw new KefuProblemException(ProblemType.VALIDATION, "baseUrl is not a URL: " + e.getMessage());
            }
            if (body.model() == null || body.model().isBlank()) {
                throw new KefuProblemException(ProblemType.VALIDATION, "model is required with a baseUrl");
            }
        }
        return settings.save(me.tenantId(), body.baseUrl(), body.model(), body.apiKey(), body.timeoutMs(),
                body.lowBand() == null ? LowBand.REVIEW : LowBand.of(body.lowBand()), me.userId());
    }

    private static KefuPrincipal admin() {
        KefuPrincipal me = KefuPrincipal.require();
        if (!me.hasRole("admin") || me.tenantId() == null) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Tenant admins only");
        }
        return me;
    }
}
