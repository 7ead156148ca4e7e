package io.kefu.kbai.tenant;

import java.nio.file.Path;

import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** kb-ai's own record of auth's tenant change reads auth's committed sample. */
class TenantConfiguredReadsAuthSampleTest {

    @Test
    void authsTenantConfigIsReadable() {
        TenantRulesConsumer.TenantConfigured config = EventContracts.readSampleData(Path.of("../auth-service/contracts/events"),
                "auth.tenant.configured.v1", TenantRulesConsumer.TenantConfigured.class);
        assertThat(config.tenantId()).isNotNull();
        assertThat(config.autoMode()).isTrue();
        assertThat(config.blacklist()).contains("律师函");
        assertThat(config.whitelist()).hasSize(1);
        assertThat(BusinessHours.parse(config.businessHours()).understood()).isTrue();
        assertThat(config.replyDelay()).isEqualTo(2);
        assertThat(config.version()).isEqualTo(3);
    }
}
