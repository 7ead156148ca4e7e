package io.kefu.auth.customer;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import io.kefu.auth.customer.CustomerDtos.CustomerView;
import io.kefu.auth.customer.CustomerDtos.ProfileSeed;
import io.kefu.auth.customer.CustomerDtos.ProfileUpdate;
import io.kefu.auth.customer.CustomerDtos.Resolution;
import io.kefu.auth.customer.CustomerDtos.ResolveRequest;
import io.kefu.auth.events.CustomerRegistered;
import io.kefu.auth.tenant.TenantService;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.event.EventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Customers and their channel identities. Resolving an identity finds its customer, or joins it to
 * the customer with the same unionid, or creates a customer on first sight. Two racing first sights
 * hit the unique keys; the loser's transaction rolls back and it retries, then finds the winner's row.
 */
@Service
public class CustomerService {

    private static final Logger log = LoggerFactory.getLogger(CustomerService.class);
    private static final int ATTEMPTS = 4;
    public static final ProblemType UNKNOWN_TENANT = new ProblemType("unknown-tenant", org.springframework.http.HttpStatus.BAD_REQUEST, "Unknown tenant");

    private final CustomerRepository customers;
    private final ChannelIdentityRepository identities;
    private final EventPublisher events;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final TenantService tenants;

    CustomerService(CustomerRepository customers, ChannelIdentityRepository identities, EventPublisher events,
            PlatformTransactionManager transactions, Clock clock, TenantService tenants) {
        this.tenants = tenants;
        this.customers = customers;
        this.identities = identities;
        this.events = events;
        this.tx = new TransactionTemplate(transactions);
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
    }

    public Resolution resolve(ResolveRequest request) {
        return resolve(request, ProfileSeed.NONE);
    }

    /** Race-safe find-or-create; each attempt is its own transaction so a lost race can be retried cleanly. */
    public Resolution resolve(ResolveRequest request, ProfileSeed seed) {
        String appId = request.kind().perApp() ? nonBlank(request.appId()) : "";
        if (appId == null) {
            throw new KefuProblemException(ProblemType.VALIDATION, "appId is required for " + request.kind().wire());
        }
        if (!tenants.exists(request.tenantId())) {
            throw new KefuProblemException(UNKNOWN_TENANT, "No tenant " + request.tenantId());
        }
        String unionId = nonBlank(request.unionId());
        DataIntegrityViolationException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return tx.execute(status -> resolveOnce(request.tenantId(), request.kind(), appId, request.value().strip(), unionId, seed));
            } catch (DataIntegrityViolationException e) {
                last = e; // a concurrent resolve created the same identity or unionid first: look again
                log.debug("identity resolve lost a race (attempt {}): {}", attempt, e.getMostSpecificCause().getMessage());
            }
        }
        throw new IllegalStateException("identity resolve kept conflicting", last);
    }

    private Resolution resolveOnce(UUID tenantId, IdentityKind kind, String appId, String value, String unionId, ProfileSeed seed) {
        Instant now = clock.instant();
        Optional<ChannelIdentity> known = identities.findByTenantIdAndKindAndAppIdAndValue(tenantId, kind.wire(), appId, value);
        if (known.isPresent()) {
            Customer customer = customers.findById(known.get().customerId).orElseThrow();
            if (unionId != null && customer.unionId == null) {
                customer.unionId = unionId; // learnt later (e.g. after the user followed the OA): joins future channels
                customer.updatedAt = now;
                customers.saveAndFlush(customer);
            }
            return new Resolution(customer.id, false);
        }
        if (unionId != null) {
            Optional<Customer> sibling = customers.findByTenantIdAndUnionId(tenantId, unionId);
            if (sibling.isPresent()) {
                identities.saveAndFlush(new ChannelIdentity(tenantId, sibling.get().id, kind, appId, value, now));
                return new Resolution(sibling.get().id, false);
            }
        }
        Customer customer = new Customer(UUID.randomUUID(), tenantId, now);
        customer.unionId = unionId;
        seed(customer, seed);
        if (kind == IdentityKind.PHONE) {
            customer.phone = value;
        }
        customers.saveAndFlush(customer);
        identities.saveAndFlush(new ChannelIdentity(tenantId, customer.id, kind, appId, value, now));
        events.publish(new CustomerRegistered(customer.id.toString(), tenantId.toString(), kind.wire(), appId,
                unionId != null, now), tenantId.toString(), customer.id.toString());
        return new Resolution(customer.id, true);
    }

    @Transactional
    public CustomerView touch(UUID customerId) {
        Customer customer = customers.findById(customerId).orElseThrow(() -> notFound(customerId));
        customer.lastActiveAt = clock.instant();
        return view(customer);
    }

    @Transactional(readOnly = true)
    public Optional<CustomerView> find(UUID customerId) {
        return customers.findById(customerId).map(CustomerService::view);
    }

    @Transactional
    public CustomerView updateProfile(UUID customerId, ProfileUpdate update) {
        Customer c = customers.findById(customerId).orElseThrow(() -> notFound(customerId));
        if (update.nickname() != null) c.nickname = update.nickname();
        if (update.avatarUrl() != null) c.avatarUrl = update.avatarUrl();
        if (update.gender() != null) c.gender = update.gender().shortValue();
        if (update.city() != null) c.city = update.city();
        if (update.province() != null) c.province = update.province();
        if (update.country() != null) c.country = update.country();
        if (update.phone() != null) c.phone = update.phone();
        c.updatedAt = clock.instant();
        return view(customers.saveAndFlush(c));
    }

    private static void seed(Customer c, ProfileSeed seed) {
        c.nickname = seed.nickname();
        c.avatarUrl = seed.avatarUrl();
        c.gender = seed.gender() == null || seed.gender() < 0 || seed.gender() > 2 ? 0 : seed.gender().shortValue();
        c.city = seed.city();
        c.province = seed.province();
        c.country = seed.country();
    }

    static CustomerView view(Customer c) {
        return new CustomerView(c.id, c.tenantId, c.nickname, c.avatarUrl, c.gender, c.city, c.province, c.country, c.phone,
                c.status, c.unionId != null, c.createdAt, c.lastActiveAt);
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static KefuProblemException notFound(UUID id) {
        return new KefuProblemException(ProblemType.NOT_FOUND, "No customer " + id);
    }
}
