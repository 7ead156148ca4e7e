package io.kefu.auth.login;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.kefu.auth.account.AccountService;
import io.kefu.auth.customer.CustomerService;
import io.kefu.auth.token.SubjectLoader;
import io.kefu.auth.token.TokenSubject;
import org.springframework.stereotype.Component;

/** Reloads customers and accounts for a refresh; disabled ones get no new token. */
@Component
class AuthSubjects implements SubjectLoader {

    private final CustomerService customers;
    private final AccountService accounts;

    AuthSubjects(CustomerService customers, AccountService accounts) {
        this.customers = customers;
        this.accounts = accounts;
    }

    @Override
    public Optional<TokenSubject> load(UUID subjectId, String kind) {
        if (TokenSubject.CUSTOMER.equals(kind)) {
            return customers.find(subjectId).filter(c -> "active".equals(c.status())).map(AuthSubjects::customer);
        }
        return accounts.subject(subjectId);
    }

    static TokenSubject customer(io.kefu.auth.customer.CustomerDtos.CustomerView c) {
        return new TokenSubject(c.id(), c.tenantId(), "customer", List.of("customer"), TokenSubject.CUSTOMER);
    }
}
