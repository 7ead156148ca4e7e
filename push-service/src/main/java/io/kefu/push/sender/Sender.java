package io.kefu.push.sender;

import io.kefu.push.template.Channel;
import org.jspecify.annotations.Nullable;

/**
 * Sends one message to one provider. Called with no transaction open (the dispatcher has claimed the
 * message and committed); answers a {@link SendOutcome} for provider failures rather than throwing.
 */
public interface Sender {

    Channel channel();

    /** The template kind it sends ({@code subscribe}, {@code bot}, …), or null for every kind of its channel. */
    @Nullable
    String kind();

    /** The provider it calls, e.g. {@code aliyun}; SMS templates choose theirs. */
    String provider();

    /** Null when the sender can send on its configuration; otherwise why it cannot (an unconfigured channel). */
    @Nullable
    String unconfigured(Outgoing message);

    /** The provider account the message is sent from (for per-account pacing), e.g. an access key id or app id. */
    default String account(Outgoing message) {
        return "default";
    }

    SendOutcome send(Outgoing message);
}
