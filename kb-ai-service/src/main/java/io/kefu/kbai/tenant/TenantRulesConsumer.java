package io.kefu.kbai.tenant;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.event.EventHandlers;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * kb-ai's consumer of auth's tenant changes (exchange kefu.auth, group {@code kb-ai}): the tenant's
 * business hours, reply delay, black/white lists and auto mode, kept in {@link TenantRuleBook} for the
 * answer policy. The record is kb-ai's own view of auth's event. auth publishes the same event when it
 * disables a tenant ({@code DELETE /api/admin/tenants/{id}}, or a PUT with {@code status: disabled}):
 * then {@link TenantDisabled} tells the answer package to withdraw the tenant's open questions.
 */
@Configuration(proxyBeanMethods = false)
class TenantRulesConsumer {

    private static final Logger log = LoggerFactory.getLogger(TenantRulesConsumer.class);

    /** What kb-ai reads of auth.tenant.configured.v1. */
    record TenantConfigured(UUID tenantId, @Nullable String status, boolean autoMode, @Nullable List<String> blacklist,
            @Nullable List<String> whitelist, @Nullable String businessHours, int replyDelay, long version) {
    }

    @Bean
    Consumer<Message<byte[]>> tenantRules(EventHandlers handlers, TenantRuleBook book, ApplicationEventPublisher disabled, Clock clock) {
        return handlers.consumer("kb-ai")
                .on("auth.tenant.configured.v1", TenantConfigured.class, (data, envelope) -> {
                    String hours = data.businessHours() == null || data.businessHours().isBlank() ? null : data.businessHours().strip();
                    if (!BusinessHours.parse(hours).understood()) {
                        log.warn("tenant {}: business hours '{}' not understood; the AI treats the tenant as always open", data.tenantId(), hours);
                    }
                    String status = data.status() == null ? "active" : data.status();
                    boolean kept = book.keep(data.tenantId(), status, data.autoMode(), list(data.blacklist()), list(data.whitelist()), hours,
                            Math.clamp(data.replyDelay(), 0, 600), data.version(), clock.instant());
                    if (kept && TenantRuleBook.DISABLED.equals(status)) {
                        // the answer package withdraws the tenant's open questions in this same transaction
                        disabled.publishEvent(new TenantDisabled(data.tenantId(), data.version()));
                    }
                })
                .build();
    }

    private static List<String> list(@Nullable List<String> entries) {
        return entries == null ? List.of() : entries.stream().filter(e -> e != null && !e.isBlank()).limit(1000)
                .map(e -> e.strip().length() > 128 ? e.strip().substring(0, 128) : e.strip()).toList();
    }
}
