package io.kefu.ticket.notice;

import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

interface NoticeRepository extends JpaRepository<Notice, UUID> {

    Optional<Notice> findByIdAndTenantIdAndProviderId(UUID id, UUID tenantId, UUID providerId);
}
