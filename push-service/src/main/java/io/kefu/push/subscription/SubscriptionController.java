package io.kefu.push.subscription;

import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Seed 000's {@code POST /api/push/subscribe}: a mini-program user accepted subscribe messages for these templates. */
@RestController
@Tag(name = "subscriptions")
class SubscriptionController {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-]{1,128}");
    private final Subscriptions subscriptions;

    SubscriptionController(Subscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    record SubscribeBody(@Nullable String openid, @Nullable List<String> templateIds) {
    }

    record Recorded(int recorded) {
    }

    @Operation(summary = "Record the subscribe authorisations a mini-program user just gave (one message each)")
    @PostMapping("/api/push/subscribe")
    Recorded subscribe(@RequestBody SubscribeBody body) {
        KefuPrincipal me = KefuPrincipal.require();
        UUID tenant = me.tenantId();
        // The mini-program user authorises messages to themself: customers of a tenant only (as the gateway's rule).
        if (tenant == null || !me.hasRole("customer")) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Customers of a tenant only");
        }
        if (body.openid() == null || !ID.matcher(body.openid()).matches()) {
            throw new KefuProblemException(ProblemType.VALIDATION, "openid is required (1-128 letters, digits, '_' or '-')");
        }
        if (body.templateIds() == null || body.templateIds().isEmpty() || body.templateIds().size() > 20
                || body.templateIds().stream().anyMatch(t -> t == null || !ID.matcher(t).matches())) {
            throw new KefuProblemException(ProblemType.VALIDATION, "templateIds: 1-20 WeChat template ids");
        }
        return new Recorded(subscriptions.record(tenant, body.openid(), body.templateIds()));
    }
}
