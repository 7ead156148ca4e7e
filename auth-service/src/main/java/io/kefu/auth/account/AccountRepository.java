package io.kefu.auth.account;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface AccountRepository extends JpaRepository<Account, UUID> {

    @Query("select a from Account a where lower(a.username) = lower(?1)")
    Optional<Account> findByUsername(String username);

    Optional<Account> findByTenantIdAndWechatOpenid(UUID tenantId, String wechatOpenid);

    Optional<Account> findByTenantIdAndWecomUserId(UUID tenantId, String wecomUserId);

    List<Account> findByTypeAndTenantIdOrderByCreatedAt(String type, UUID tenantId);

    List<Account> findByTypeOrderByCreatedAt(String type);
}
