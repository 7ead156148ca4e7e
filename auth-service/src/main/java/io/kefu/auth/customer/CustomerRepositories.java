package io.kefu.auth.customer;

import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

interface CustomerRepository extends JpaRepository<Customer, UUID> {

    Optional<Customer> findByTenantIdAndUnionId(UUID tenantId, String unionId);
}

interface ChannelIdentityRepository extends JpaRepository<ChannelIdentity, UUID> {

    Optional<ChannelIdentity> findByTenantIdAndKindAndAppIdAndValue(UUID tenantId, String kind, String appId, String value);
}
