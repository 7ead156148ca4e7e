package io.kefu.push.events;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

/** push's events have the shape of their committed samples, which consumers (stats) test against. */
class PushEventContractsTest {

    static final Path CONTRACTS = Path.of("contracts/events");
    final UUID id = UUID.randomUUID();
    final Instant now = Instant.now();

    @Test
    void messageEventsMatchTheirSamples() {
        EventContracts.assertMatchesSample(new MessageSent(id, id, id, "sms", "aliyun", 1, 84, 312, now), "push.message.sent.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new MessageFailed(id, null, id, "email", "smtp", "dead", "retries exhausted", 5, now),
                "push.message.failed.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new MessageDelivered(id, "sms", true, "DELIVERED", now), "push.message.delivered.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new BatchAccepted(id, id, "sms", 1, 9998, 2, now), "push.batch.accepted.v1", CONTRACTS);
    }
}
