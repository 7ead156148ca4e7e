package io.kefu.ticket.linking;

import java.util.List;

import io.kefu.ticket.linking.ClientLinks.Linked;
import io.kefu.ticket.linking.PhoneCodes.Requested;
import io.kefu.ticket.linking.PhoneCodes.Verified;
import io.kefu.ticket.provider.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A chat customer links themselves to a provider's customer by phone (the Official Account's page) and reads their links. */
@RestController
@RequestMapping("/api/customer-links")
@Tag(name = "customer links", description = "chat customer: become a provider's customer by phone and SMS code")
class LinkController {

    record CodeRequest(@Nullable String phone) {
    }

    record VerifyRequest(@Nullable String phone, @Nullable String code) {
    }

    record Links(List<Linked> linked) {
    }

    private final PhoneCodes codes;
    private final ClientLinks links;

    LinkController(PhoneCodes codes, ClientLinks links) {
        this.codes = codes;
        this.links = links;
    }

    @PostMapping("/phone/code")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Send a code to this phone if a provider's customer has it (the answer is the same either way)")
    Requested code(@RequestBody CodeRequest body) {
        return codes.request(Caller.require(), body.phone());
    }

    @PostMapping("/phone/verify")
    @Operation(summary = "Prove the phone with its code: linked to every customer of the tenant with that phone")
    Verified verify(@RequestBody VerifyRequest body) {
        return codes.verify(Caller.require(), body.phone(), body.code());
    }

    @GetMapping
    @Operation(summary = "The caller's links")
    Links mine() {
        Caller caller = Caller.require();
        if (!caller.isCustomer()) {
            throw new io.kefu.common.error.KefuProblemException(io.kefu.common.error.ProblemType.FORBIDDEN, "Only chat customers have links");
        }
        return new Links(links.of(caller.tenantId(), caller.userId()));
    }
}
