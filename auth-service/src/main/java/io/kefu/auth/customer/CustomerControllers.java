package io.kefu.auth.customer;

import io.kefu.auth.customer.CustomerDtos.CustomerView;
import io.kefu.auth.customer.CustomerDtos.ProfileUpdate;
import io.kefu.auth.customer.CustomerDtos.Resolution;
import io.kefu.auth.customer.CustomerDtos.ResolveRequest;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The signed-in customer's own profile (seed §2.1). */
@RestController
@Tag(name = "profile", description = "customer: own profile")
class ProfileController {

    private final CustomerService customers;

    ProfileController(CustomerService customers) {
        this.customers = customers;
    }

    @GetMapping("/api/user/profile")
    CustomerView profile() {
        return customers.find(customerId()).orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No customer profile"));
    }

    @PutMapping("/api/user/profile")
    CustomerView update(@Valid @RequestBody ProfileUpdate update) {
        return customers.updateProfile(customerId(), update);
    }

    private static java.util.UUID customerId() {
        KefuPrincipal principal = KefuPrincipal.current();
        if (principal == null || !"customer".equals(principal.type())) {
            throw new KefuProblemException(ProblemType.NOT_FOUND, "Only customers have a profile here");
        }
        return principal.userId();
    }
}

/** For chat-service and others: which customer is behind a channel identity (guarded by the internal token). */
@RestController
@Tag(name = "internal", description = "service-to-service; X-Kefu-Internal-Token")
class IdentityController {

    private final CustomerService customers;

    IdentityController(CustomerService customers) {
        this.customers = customers;
    }

    @PostMapping("/internal/identities/resolve")
    @Operation(summary = "Find or create the customer behind a channel identity; 201 when created")
    ResponseEntity<Resolution> resolve(@Valid @RequestBody ResolveRequest request) {
        Resolution resolution = customers.resolve(request);
        return ResponseEntity.status(resolution.created() ? HttpStatus.CREATED : HttpStatus.OK).body(resolution);
    }
}
