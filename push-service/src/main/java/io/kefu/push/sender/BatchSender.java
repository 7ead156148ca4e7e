package io.kefu.push.sender;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * A sender whose provider documents a call for many recipients at once (Aliyun {@code SendBatchSms}): a bulk
 * lot's messages with the same key go out in one call instead of one call each — one request, one signature,
 * one answer to read for up to {@link #batchLimit()} messages. Each message still gets its own outcome (and its
 * own trace, provider id and response); a refusal or failure of the whole call is the outcome of each message in it.
 */
public interface BatchSender extends Sender {

    /** Most messages one call may carry (the provider's documented limit). */
    int batchLimit();

    /**
     * Messages with equal keys may share one call (same template and account, and whatever else the provider
     * wants equal); null: this message is sent alone.
     */
    @Nullable
    String batchKey(Outgoing message);

    /** The recipient as the provider tells recipients apart (a call carries each at most once). */
    default String address(Outgoing message) {
        return message.recipient();
    }

    /**
     * One call for {@code messages} (2 to {@link #batchLimit()}, equal keys, distinct recipients), called with
     * no transaction open; answers one outcome per message, in their order. Never throws for provider failures.
     */
    List<SendOutcome> sendBatch(List<Outgoing> messages);

    /**
     * Each of {@code messages} sent alone, side by side (each call on a virtual thread, as a lot's single sends are):
     * what a batch call falls back to when its refusal may be one message's. A send that throws is a retry.
     */
    static List<SendOutcome> eachAlone(List<Outgoing> messages, Function<Outgoing, SendOutcome> send) {
        List<Future<SendOutcome>> calls;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            calls = messages.stream().map(m -> threads.submit(() -> send.apply(m))).toList();
        }
        return calls.stream().map(call -> call.state() == Future.State.SUCCESS ? call.resultNow()
                : (SendOutcome) new SendOutcome.Retry("sender error: " + call.exceptionNow(), null)).toList();
    }
}
