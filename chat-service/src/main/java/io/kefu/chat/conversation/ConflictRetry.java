package io.kefu.chat.conversation;

import java.sql.SQLException;
import java.util.function.Supplier;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a change in a transaction of its own and tries again when it lost a race with a concurrent
 * writer (a unique index: two callbacks opening the same conversation; a version: two decisions on
 * one conversation). The next try reads the winner's row and takes the other path.
 *
 * <p>A lost race cannot be retried inside a transaction that is already open: PostgreSQL has aborted
 * that transaction, and only its owner can start again. So a caller that runs in a transaction (a
 * consumer's inbox transaction) gets one try, and the conflict rolls its whole transaction back:
 * the event is redelivered and handled afresh, which is the retry.
 */
@Component
class ConflictRetry {

    static final int ATTEMPTS = 4;

    private static final String UNIQUE_VIOLATION = "23505";

    private final TransactionTemplate tx;

    ConflictRetry(TransactionTemplate tx) {
        this.tx = tx;
    }

    <T> T run(Supplier<T> change) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return change.get(); // the caller's transaction: its redelivery retries
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.execute(status -> change.get());
            } catch (DataIntegrityViolationException | OptimisticLockingFailureException e) {
                if (attempt == ATTEMPTS || !lostARace(e)) {
                    throw e;
                }
            }
        }
    }

    /**
     * A version conflict or a unique index is a race the next try can take the other way; any other
     * refusal of the database (a value too long, a check, a NUL character) fails the same way every
     * time, so it is not tried again (it was, four transactions for one bad frame).
     */
    static boolean lostARace(RuntimeException e) {
        if (e instanceof OptimisticLockingFailureException) {
            return true;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return UNIQUE_VIOLATION.equals(sql.getSQLState());
            }
        }
        return true; // no SQL state to tell: as before, one more try
    }

}
