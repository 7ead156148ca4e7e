package io.kefu.kbai.answer;

import java.time.Clock;

import io.kefu.kbai.tenant.TenantDisabled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * A disabled tenant gets nothing more from the AI. Its pending questions and drafts are withdrawn in the
 * transaction that records the new status (a plain listener: it runs inside the consumer's transaction),
 * with no word to the customer and no hand-off: auth refuses the tenant's logins, so no reviewer or agent
 * could act on them, and a re-enabled tenant should not see days-old drafts reappear. Questions arriving
 * afterwards are withdrawn by {@link Answerer} before any retrieval or model call.
 */
@Component
class Withdrawals {

    private static final Logger log = LoggerFactory.getLogger(Withdrawals.class);

    private final Answers answers;
    private final Clock clock;

    Withdrawals(Answers answers, Clock clock) {
        this.answers = answers;
        this.clock = clock;
    }

    @EventListener
    void on(TenantDisabled disabled) {
        int n = answers.withdrawAll(disabled.tenantId(), clock.instant());
        log.info("tenant {} disabled (config v{}): {} pending questions and drafts withdrawn", disabled.tenantId(), disabled.version(), n);
    }
}
