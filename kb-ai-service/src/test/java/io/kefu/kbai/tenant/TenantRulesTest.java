package io.kefu.kbai.tenant;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TenantRulesTest {

    private final UUID customer = UUID.randomUUID();

    @Test
    void aBlacklistedWordMatchesWhateverWidthOrCaseTheCustomerTypesItIn() {
        TenantRules rules = new TenantRules(true, List.of(" VIP退款 "), List.of(), BusinessHours.ALWAYS, 0, true);
        assertThat(rules.blacklisted(customer, "我要ｖｉｐ退款")).contains("vip退款");
        assertThat(rules.blacklisted(customer, "我要退款")).isEmpty();
    }

    @Test
    void aCustomerIdOnTheBlacklistStopsThatCustomerOnlyAndIsNeverMatchedAsAWord() {
        UUID other = UUID.randomUUID();
        TenantRules rules = new TenantRules(true, List.of(customer.toString().toUpperCase()), List.of(), BusinessHours.ALWAYS, 0, true);
        assertThat(rules.blacklisted(customer, "你好")).isPresent();
        assertThat(rules.blacklisted(other, "my id is " + customer)).isEmpty();
    }

    @Test
    void theWhitelistNamesCustomersAndTheDelayStaysWithinAuthsBounds() {
        TenantRules rules = new TenantRules(true, List.of(), List.of(customer.toString()), BusinessHours.ALWAYS, 9_999, true);
        assertThat(rules.whitelisted(customer)).isTrue();
        assertThat(rules.whitelisted(UUID.randomUUID())).isFalse();
        assertThat(rules.replyDelay()).isEqualTo(600);
        assertThat(new TenantRules(true, List.of(), List.of(), BusinessHours.ALWAYS, -5, true).replyDelay()).isZero();
    }
}
