package io.kefu.auth.tenant;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.kefu.common.security.SecretCipher;
import io.kefu.auth.tenant.TenantDtos.MiniApp;
import io.kefu.auth.tenant.TenantDtos.TenantRequest;
import io.kefu.auth.tenant.TenantDtos.TenantView;
import io.kefu.auth.events.TenantConfigured;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.event.EventPublisher;
import io.kefu.common.error.ProblemType;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Sort;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

@Service
public class TenantService {

    static final String ACTIVE = "active";
    public static final ProblemType TENANT_NAME_EXISTS = new ProblemType("tenant-name-exists", HttpStatus.CONFLICT, "Tenant name exists");
    public static final ProblemType APP_ID_TAKEN = new ProblemType("app-id-taken", HttpStatus.CONFLICT, "Mini-program already bound");

    private final TenantRepository tenants;
    private final SecretCipher cipher;
    private final Clock clock;
    private final EventPublisher events;
    private final JsonMapper json = JsonMapper.builder().build();

    TenantService(TenantRepository tenants, SecretCipher cipher, Clock clock, EventPublisher events) {
        this.tenants = tenants;
        this.cipher = cipher;
        this.clock = clock;
        this.events = events;
    }

    @Transactional
    public TenantView create(TenantRequest request) {
        String name = request.name().strip();
        if (tenants.existsByName(name)) {
            throw new KefuProblemException(TENANT_NAME_EXISTS, "A tenant named '" + name + "' exists");
        }
        Tenant tenant = new Tenant(UUID.randomUUID(), clock.instant());
        apply(tenant, request);
        return view(save(tenant));
    }

    @Transactional
    public TenantView update(UUID id, TenantRequest request) {
        Tenant tenant = tenants.findById(id).orElseThrow(() -> notFound(id));
        if (request.version() != null && request.version() != tenant.version) {
            throw new KefuProblemException(ProblemType.CONFLICT, "The tenant changed since version " + request.version(),
                    Map.of("currentVersion", tenant.version));
        }
        String name = request.name().strip();
        if (!name.equals(tenant.name) && tenants.existsByName(name)) {
            throw new KefuProblemException(TENANT_NAME_EXISTS, "A tenant named '" + name + "' exists");
        }
        apply(tenant, request);
        tenant.updatedAt = clock.instant();
        return view(save(tenant));
    }

    /** Tenants are disabled, not deleted: their customers, staff and history stay referable. */
    @Transactional
    public TenantView disable(UUID id) {
        Tenant tenant = tenants.findById(id).orElseThrow(() -> notFound(id));
        tenant.status = "disabled";
        tenant.updatedAt = clock.instant();
        return view(save(tenant));
    }

    @Transactional(readOnly = true)
    public TenantView get(UUID id) {
        return tenants.findById(id).map(this::view).orElseThrow(() -> notFound(id));
    }

    @Transactional(readOnly = true)
    public List<TenantView> list() {
        return tenants.findAll(Sort.by("createdAt")).stream().map(this::view).toList();
    }

    @Transactional(readOnly = true)
    public boolean exists(UUID id) {
        return tenants.existsById(id);
    }

    /** The mini-program bound to {@code appId}, with its secret decrypted, if a tenant has one. */
    @Transactional(readOnly = true)
    public Optional<MiniApp> miniApp(String appId) {
        return tenants.findByMiniAppId(appId)
                .filter(t -> t.miniAppSecretSealed != null)
                .map(t -> new MiniApp(t.id, t.miniAppId, cipher.decrypt(t.miniAppSecretSealed), ACTIVE.equals(t.status)));
    }

    private void apply(Tenant tenant, TenantRequest request) {
        tenant.name = request.name().strip();
        tenant.config = json.writeValueAsString(request.config() == null ? TenantConfig.defaults() : request.config());
        String appId = request.miniAppId() == null || request.miniAppId().isBlank() ? null : request.miniAppId();
        if (appId != null && !appId.equals(tenant.miniAppId) && tenants.existsByMiniAppId(appId)) {
            throw new KefuProblemException(APP_ID_TAKEN, "Mini-program " + appId + " belongs to another tenant");
        }
        tenant.miniAppId = appId;
        if (request.miniAppSecret() != null && !request.miniAppSecret().isBlank()) {
            tenant.miniAppSecretSealed = cipher.encrypt(request.miniAppSecret());
        }
        if (request.status() != null) {
            tenant.status = request.status();
        }
    }

    /** Saves and publishes the full new state in the same transaction (outbox), for the services that apply the config. */
    private Tenant save(Tenant tenant) {
        Tenant saved = flush(tenant);
        TenantConfig config = json.readValue(saved.config, TenantConfig.class);
        events.publish(new TenantConfigured(saved.id.toString(), saved.name, saved.status, config.aiModel(), config.autoMode(),
                config.blacklist(), config.whitelist(), config.businessHours(), config.replyDelay(), saved.version, clock.instant()),
                saved.id.toString(), saved.id.toString());
        return saved;
    }

    private Tenant flush(Tenant tenant) {
        try {
            return tenants.saveAndFlush(tenant);
        } catch (DataIntegrityViolationException e) {
            // a concurrent create with the same name or app id won the race
            throw new KefuProblemException(ProblemType.CONFLICT, "Tenant name or mini-program app id already in use");
        }
    }

    private TenantView view(Tenant t) {
        return new TenantView(t.id, t.name, json.readValue(t.config, TenantConfig.class), t.miniAppId,
                t.miniAppSecretSealed != null, t.status, t.version, t.createdAt, t.updatedAt);
    }

    private static KefuProblemException notFound(UUID id) {
        return new KefuProblemException(ProblemType.NOT_FOUND, "No tenant " + id);
    }
}
