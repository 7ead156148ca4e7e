package io.kefu.ticket.client;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.ticket.client.IntegrationKeys.Holder;
import io.kefu.ticket.client.IntegrationKeys.Issued;
import io.kefu.ticket.client.IntegrationKeys.KeyInfo;
import io.kefu.ticket.client.UsageController.SignalBatch;
import io.kefu.ticket.client.UsageSignals.ScoreInfo;
import io.kefu.ticket.provider.Caller;
import io.kefu.ticket.provider.Inputs;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The machine way in for the business's software (issue 12: usage signals "come in through an API the
 * business's software can call"): the tenant admin manages the tenant's integration key with their token,
 * and the software sends usage signals with the key in {@value #KEY_HEADER}, no token.
 */
@RestController
@RequestMapping("/api/integration")
@Tag(name = "integration", description = "the business's software: integration key and usage signals")
class IntegrationController {

    static final String KEY_HEADER = "X-Kefu-Integration-Key";

    private final IntegrationKeys keys;
    private final UsageSignals usage;

    IntegrationController(IntegrationKeys keys, UsageSignals usage) {
        this.keys = keys;
        this.usage = usage;
    }

    @PostMapping("/key")
    @Operation(summary = "Create the tenant's integration key, replacing (revoking) the one before; the key is shown only here")
    ResponseEntity<Issued> rotate() {
        return ResponseEntity.created(URI.create("/api/integration/key")).body(keys.rotate(Caller.require()));
    }

    @GetMapping("/key")
    @Operation(summary = "The tenant's integration key: its prefix, who made it when, when it was last used (never the key)")
    KeyInfo describe() {
        return keys.describe(Caller.require());
    }

    @DeleteMapping("/key")
    @Operation(summary = "Delete the tenant's integration key")
    ResponseEntity<Void> revoke() {
        keys.revoke(Caller.require());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/customers/{id}/usage-signals")
    @SecurityRequirements
    @Operation(summary = "Report usage of a customer's software with the tenant's integration key (header X-Kefu-Integration-Key)")
    ScoreInfo report(@RequestHeader(name = KEY_HEADER, required = false) @Nullable String key, @PathVariable String id,
            @RequestBody SignalBatch batch) {
        // The key first: without a good one nothing about the id or the body is answered.
        Holder holder = keys.holder(key).orElseThrow(() -> new KefuProblemException(ProblemType.UNAUTHORIZED,
                "Send the tenant's integration key in " + KEY_HEADER, Map.of()));
        UUID customerId;
        try {
            customerId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw Inputs.invalid("id", "not an id");
        }
        return usage.record(holder, customerId, batch.signals());
    }
}
