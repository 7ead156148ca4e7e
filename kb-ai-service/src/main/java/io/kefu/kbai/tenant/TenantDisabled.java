package io.kefu.kbai.tenant;

import java.util.UUID;

/**
 * In-process event: auth disabled the tenant (its {@code auth.tenant.configured.v1} with status
 * {@code disabled} was kept). Published inside the consumer's transaction, so what listeners change
 * commits with the record of the new status.
 */
public record TenantDisabled(UUID tenantId, long version) {
}
