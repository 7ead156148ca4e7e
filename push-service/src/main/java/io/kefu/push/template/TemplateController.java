package io.kefu.push.template;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A tenant admin's message templates. */
@RestController
@RequestMapping("/api/push/templates")
@Tag(name = "templates")
class TemplateController {

    private final Templates templates;
    private final Clock clock;

    TemplateController(Templates templates, Clock clock) {
        this.templates = templates;
        this.clock = clock;
    }

    record TemplateBody(@Nullable String name, @Nullable Channel channel, @Nullable String kind, @Nullable String title,
            @Nullable String content, @Nullable TemplateStatus status, @Nullable String provider, @Nullable String providerTemplateId,
            @Nullable String smsSign, @Nullable String page) {

        Template.Spec spec() {
            return TemplateRules.check(new Template.Spec(name, channel, kind, title, content, status, provider, providerTemplateId, smsSign, page));
        }
    }

    record TemplateView(UUID id, String name, Channel channel, String kind, @Nullable String title, String content, List<String> variables,
            TemplateStatus status, @Nullable String provider, @Nullable String providerTemplateId, @Nullable String smsSign,
            @Nullable String page, long version, Instant createdAt, Instant updatedAt) {

        static TemplateView of(Template t) {
            return new TemplateView(t.id(), t.name(), t.channel(), t.kind(), t.title(), t.content(), t.variables(), t.status(), t.provider(),
                    t.providerTemplateId(), t.smsSign(), t.page(), t.version(), t.createdAt(), t.updatedAt());
        }
    }

    record PageView(List<TemplateView> items, int page, int pageSize, long total) {
    }

    @Operation(summary = "Create a template (tenant admin)")
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Transactional
    TemplateView create(@RequestBody TemplateBody body) {
        KefuPrincipal me = admin();
        Template.Spec spec = body.spec();
        if (templates.existsByTenantIdAndName(me.tenantId(), spec.name())) {
            throw new KefuProblemException(ProblemType.CONFLICT, "A template named " + spec.name() + " exists");
        }
        try {
            return TemplateView.of(templates.saveAndFlush(new Template(UUID.randomUUID(), me.tenantId(), spec, clock.instant())));
        } catch (DataIntegrityViolationException e) {
            throw new KefuProblemException(ProblemType.CONFLICT, "A template named " + spec.name() + " exists");
        }
    }

    @Operation(summary = "My tenant's templates, paged (tenant admin)")
    @GetMapping
    PageView list(@RequestParam(defaultValue = "1") int page, @RequestParam(defaultValue = "20") int pageSize,
            @RequestParam(required = false) @Nullable Channel channel) {
        KefuPrincipal me = admin();
        if (page < 1 || page > 100_000 || pageSize < 1 || pageSize > 100) {
            throw new KefuProblemException(ProblemType.VALIDATION, "page is from 1, pageSize 1-100");
        }
        PageRequest request = PageRequest.of(page - 1, pageSize, Sort.by("createdAt").descending().and(Sort.by("id")));
        Page<Template> found = channel == null ? templates.findByTenantId(me.tenantId(), request)
                : templates.findByTenantIdAndChannel(me.tenantId(), channel, request);
        return new PageView(found.map(TemplateView::of).getContent(), page, pageSize, found.getTotalElements());
    }

    @Operation(summary = "One template (tenant admin)")
    @GetMapping("/{id}")
    TemplateView get(@PathVariable UUID id) {
        return TemplateView.of(mine(id));
    }

    @Operation(summary = "Change a template (tenant admin); messages already accepted keep the text they were accepted with")
    @PutMapping("/{id}")
    @Transactional
    TemplateView update(@PathVariable UUID id, @RequestBody TemplateBody body) {
        Template template = mine(id);
        Template.Spec spec = body.spec();
        if (!spec.name().equals(template.name()) && templates.existsByTenantIdAndName(template.tenantId(), spec.name())) {
            throw new KefuProblemException(ProblemType.CONFLICT, "A template named " + spec.name() + " exists");
        }
        template.change(spec, clock.instant());
        return TemplateView.of(templates.saveAndFlush(template));
    }

    @Operation(summary = "Delete a template (tenant admin); set status inactive instead to keep its history readable")
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Transactional
    void delete(@PathVariable UUID id) {
        templates.delete(mine(id));
    }

    private Template mine(UUID id) {
        KefuPrincipal me = admin();
        return templates.findByIdAndTenantId(id, me.tenantId())
                .orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No template " + id));
    }

    static KefuPrincipal admin() {
        KefuPrincipal me = KefuPrincipal.require();
        if (!me.hasRole("admin") || me.tenantId() == null) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Admins of a tenant only");
        }
        return me;
    }
}
