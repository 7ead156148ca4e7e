package io.kefu.auth.account;

import java.time.Clock;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates the superadmin at first start from KEFU_ADMIN_USERNAME / KEFU_ADMIN_PASSWORD. In profile
 * {@code prod} the service refuses to start while the password is the local default: an instance
 * reachable from outside must not accept a password printed in the README.
 */
@Component
class AdminBootstrap implements ApplicationRunner {

    static final String LOCAL_DEFAULT_PASSWORD = "kefu-admin-local";
    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final AccountRepository accounts;
    private final PasswordEncoder passwords;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final String username;
    private final String password;

    AdminBootstrap(AccountRepository accounts, PasswordEncoder passwords, PlatformTransactionManager transactions, Clock clock, Environment environment,
            @Value("${kefu.auth.admin.username}") String username, @Value("${kefu.auth.admin.password}") String password) {
        if (environment.acceptsProfiles(Profiles.of("prod")) && LOCAL_DEFAULT_PASSWORD.equals(password)) {
            throw new IllegalStateException("Refusing to start with profile 'prod' and the local default superadmin password: "
                    + "set KEFU_ADMIN_PASSWORD to a strong password");
        }
        if (username == null || username.isBlank() || password == null || password.length() < 8) {
            throw new IllegalStateException("KEFU_ADMIN_USERNAME must be set and KEFU_ADMIN_PASSWORD have at least 8 characters");
        }
        this.accounts = accounts;
        this.passwords = passwords;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
        this.username = username.strip();
        this.password = password;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (accounts.findByUsername(username).isPresent()) {
            return;
        }
        try {
            tx.executeWithoutResult(status -> {
                Account admin = new Account(UUID.randomUUID(), null, "superadmin", clock.instant());
                admin.name = "Superadmin";
                admin.username = username;
                admin.passwordHash = passwords.encode(password);
                admin.roles = "superadmin";
                accounts.saveAndFlush(admin);
            });
            log.info("Created superadmin '{}'", username);
        } catch (DataIntegrityViolationException e) {
            log.debug("Another instance created the superadmin first");
        }
    }
}
