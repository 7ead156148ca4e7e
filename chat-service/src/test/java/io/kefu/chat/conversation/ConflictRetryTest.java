package io.kefu.chat.conversation;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConflictRetryTest {

    /** Runs the callback without a database, as the template would in a transaction of its own. */
    private static final TransactionTemplate NO_DATABASE = new TransactionTemplate() {
        @Override
        public <T> T execute(TransactionCallback<T> action) {
            return action.doInTransaction(null);
        }
    };

    private static DataIntegrityViolationException refused(String sqlState) {
        return new DataIntegrityViolationException("refused", new RuntimeException("driver", new SQLException("refused", sqlState)));
    }

    @Test
    void aLostRaceOnAUniqueIndexOrAVersionIsTriedAgainUntilItGoesThrough() {
        AtomicInteger attempts = new AtomicInteger();
        String result = new ConflictRetry(NO_DATABASE).run(() -> {
            int attempt = attempts.incrementAndGet();
            if (attempt == 1) {
                throw refused("23505");
            }
            if (attempt == 2) {
                throw new ObjectOptimisticLockingFailureException(Conversation.class, "id");
            }
            return "stored";
        });

        assertThat(result).isEqualTo("stored");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void aValueTheDatabaseRefusesFailsAtOnceInsteadOfFourTimes() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> new ConflictRetry(NO_DATABASE).run(() -> {
            attempts.incrementAndGet();
            throw refused("22001"); // value too long
        })).isInstanceOf(DataIntegrityViolationException.class);

        assertThat(attempts).hasValue(1);
    }

    @Test
    void aRaceLostEveryTimeGivesUpAfterTheLastAttempt() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> new ConflictRetry(NO_DATABASE).run(() -> {
            attempts.incrementAndGet();
            throw refused("23505");
        })).isInstanceOf(DataIntegrityViolationException.class);

        assertThat(attempts).hasValue(ConflictRetry.ATTEMPTS);
    }
}
