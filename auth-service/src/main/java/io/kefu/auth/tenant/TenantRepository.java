package io.kefu.auth.tenant;

import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

interface TenantRepository extends JpaRepository<Tenant, UUID> {

    Optional<Tenant> findByMiniAppId(String miniAppId);

    boolean existsByName(String name);

    boolean existsByMiniAppId(String miniAppId);
}
