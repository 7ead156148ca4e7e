package io.kefu.kbai.answer;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import com.xxl.job.core.context.XxlJobHelper;
import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.config.LiveProperties;
import org.springframework.stereotype.Component;

/**
 * Questions whose claim outlived its lease (the instance died, the pool refused the task) are taken
 * again and answered here: {@link Answers#retake} is a conditional update only one runner wins, and
 * the answer is recorded only for the attempt that holds the claim, so two instances cannot answer
 * twice. Past {@code maxAttempts} the customer gets the fallback and a person. Also trims old
 * conversation lines.
 */
@Component
class AnswerJobs {

    private final Answers answers;
    private final Answerer answerer;
    private final Transcript transcript;
    private final LiveProperties<AnswerProperties> properties;
    private final Clock clock;

    AnswerJobs(Answers answers, Answerer answerer, Transcript transcript, LiveProperties<AnswerProperties> properties, Clock clock) {
        this.answers = answers;
        this.answerer = answerer;
        this.transcript = transcript;
        this.properties = properties;
        this.clock = clock;
    }

    @XxlJob("kb-answer-retry")
    public int retryExpiredClaims() {
        Instant now = clock.instant();
        int retried = 0;
        for (UUID id : answers.leaseExpired(now, 100)) {
            var attempt = answers.retake(id, now, now.plus(properties.get().lease()));
            if (attempt.isPresent()) {
                answerer.answer(id, attempt.get());
                retried++;
            }
        }
        XxlJobHelper.log("retried " + retried);
        return retried;
    }

    @XxlJob("kb-transcript-trim")
    public int trimTranscript() {
        int trimmed = transcript.trim(clock.instant().minus(properties.get().transcriptRetention()));
        XxlJobHelper.log("trimmed " + trimmed);
        return trimmed;
    }
}
