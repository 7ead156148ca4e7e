package io.kefu.push.template;

import java.util.Optional;
import java.util.UUID;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

public interface Templates extends JpaRepository<Template, UUID> {

    Optional<Template> findByIdAndTenantId(UUID id, UUID tenantId);

    Optional<Template> findByTenantIdAndName(UUID tenantId, String name);

    Page<Template> findByTenantId(UUID tenantId, Pageable page);

    Page<Template> findByTenantIdAndChannel(UUID tenantId, Channel channel, Pageable page);

    boolean existsByTenantIdAndName(UUID tenantId, String name);
}
