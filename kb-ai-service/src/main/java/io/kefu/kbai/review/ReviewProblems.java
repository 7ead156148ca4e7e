package io.kefu.kbai.review;

import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import org.springframework.http.HttpStatus;

final class ReviewProblems {

    static final ProblemType CLAIMED = new ProblemType("draft-claimed", HttpStatus.CONFLICT, "Another reviewer holds this draft");
    static final ProblemType NOT_PENDING = new ProblemType("draft-not-pending", HttpStatus.CONFLICT, "The draft is no longer waiting for review");
    static final ProblemType NOT_CLAIMED = new ProblemType("draft-not-claimed", HttpStatus.CONFLICT, "Claim the draft before sending or rejecting it");

    private ReviewProblems() {
    }

    static KefuProblemException notFound(UUID id) {
        return new KefuProblemException(ProblemType.NOT_FOUND, "No draft " + id);
    }
}
