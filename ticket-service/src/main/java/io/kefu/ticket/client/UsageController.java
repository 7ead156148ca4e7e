package io.kefu.ticket.client;

import java.util.List;
import java.util.UUID;

import io.kefu.ticket.client.UsageSignals.ScoreInfo;
import io.kefu.ticket.client.UsageSignals.Signal;
import io.kefu.ticket.provider.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The usage-depth score (seed 004 §3.2) and the API through which the business's software reports usage. */
@RestController
@RequestMapping("/api/customers/{id}")
@Tag(name = "customers")
class UsageController {

    record SignalBatch(@Nullable List<Signal> signals) {
    }

    private final UsageSignals usage;

    UsageController(UsageSignals usage) {
        this.usage = usage;
    }

    @GetMapping("/usage-score")
    @Operation(summary = "The usage-depth score with its parts and how each is computed")
    ScoreInfo score(@PathVariable UUID id) {
        return usage.score(Caller.require(), id);
    }

    @PostMapping("/usage-signals")
    @Operation(summary = "Report usage of the customer's software (tenant admins / the business's backend)")
    ScoreInfo report(@PathVariable UUID id, @RequestBody SignalBatch batch) {
        return usage.record(Caller.require(), id, batch.signals());
    }
}
