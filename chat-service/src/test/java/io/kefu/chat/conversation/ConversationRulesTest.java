package io.kefu.chat.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import org.junit.jupiter.api.Test;

/** The state changes of conversations and messages, as plain objects (no context, no database). */
class ConversationRulesTest {

    final Instant now = Instant.parse("2026-11-29T08:00:00Z");

    Conversation conversation() {
        return new Conversation(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), Source.QUICK_CHAT, Channel.MINIAPP, now);
    }

    @Test
    void aNewConversationWaitsAndAnAssignmentMakesItActiveOnce() {
        Conversation c = conversation();
        assertThat(c.status()).isEqualTo(ConversationStatus.WAITING);
        UUID agent = UUID.randomUUID();
        assertThat(c.assign(agent, now)).isTrue();
        assertThat(c.status()).isEqualTo(ConversationStatus.ACTIVE);
        assertThat(c.assign(agent, now)).as("the same decision again").isFalse();
        assertThat(c.assign(null, now)).as("back to the queue").isTrue();
        assertThat(c.status()).isEqualTo(ConversationStatus.WAITING);
        assertThat(c.agentId()).isNull();
    }

    @Test
    void routingsTimeoutEndsAsTimeoutEverythingElseAsClosed() {
        Conversation timedOut = conversation();
        timedOut.end("timeout", null, EndType.SYSTEM, null, now);
        assertThat(timedOut.status()).isEqualTo(ConversationStatus.TIMEOUT);
        assertThat(timedOut.view().endedType()).isEqualTo("system");

        Conversation resolved = conversation();
        UUID staff = UUID.randomUUID();
        resolved.end("resolved", staff, EndType.STAFF, "done", now);
        assertThat(resolved.status()).isEqualTo(ConversationStatus.CLOSED);
        assertThat(resolved.view().endedBy()).isEqualTo(staff);
        assertThat(resolved.isOpen()).isFalse();
    }

    @Test
    void anEndedConversationCannotEndAgainNorBeAssigned() {
        Conversation c = conversation();
        c.end("user_ended", null, EndType.CUSTOMER, null, now);
        assertThatThrownBy(() -> c.end("resolved", null, EndType.STAFF, null, now)).isInstanceOf(KefuProblemException.class)
                .hasMessageContaining("has ended");
        assertThatThrownBy(() -> c.assign(UUID.randomUUID(), now)).isInstanceOf(KefuProblemException.class);
    }

    @Test
    void aLongCommentIsRefused() {
        assertThatThrownBy(() -> conversation().end("resolved", null, EndType.STAFF, "x".repeat(1001), now))
                .isInstanceOf(KefuProblemException.class).hasMessageContaining("1000");
    }

    @Test
    void onlyAnEndedConversationIsRatedAndOnlyOnce() {
        Conversation c = conversation();
        assertThatThrownBy(() -> c.rate(5, null, now)).isInstanceOf(KefuProblemException.class)
                .satisfies(e -> assertThat(((KefuProblemException) e).problem().code()).isEqualTo("conversation-open"));
        c.end("user_ended", null, EndType.CUSTOMER, null, now);
        c.rate(4, "快", now);
        assertThat(c.view().rating()).isEqualTo(4);
        assertThatThrownBy(() -> c.rate(5, null, now)).isInstanceOf(KefuProblemException.class)
                .satisfies(e -> assertThat(((KefuProblemException) e).problem().code()).isEqualTo("already-rated"));
    }

    @Test
    void aChannelChangeIsRecordedOnlyWhenSomethingDiffers() {
        Conversation c = conversation();
        assertThat(c.reachedThrough(Channel.MINIAPP, null, null, now)).isFalse();
        UUID account = UUID.randomUUID();
        assertThat(c.reachedThrough(Channel.MP, account, "openid", now)).isTrue();
        assertThat(c.reachedThrough(Channel.MP, account, "openid", now)).isFalse();
        assertThat(c.channelUserId()).isEqualTo("openid");
    }

    ChatMessage outbound(Conversation c, boolean realtime) {
        return new ChatMessage(UUID.randomUUID(), c, UUID.randomUUID(), SenderType.STAFF, MessageType.TEXT, "hi", null,
                realtime ? Channel.MINIAPP : Channel.MP, realtime, null, null, now);
    }

    @Test
    void aWechatMessageIsSendingUntilTheChannelAnswersAndAFailureMayStillTurnOutSent() {
        ChatMessage m = outbound(conversation(), false);
        assertThat(m.view().status()).isEqualTo("sending");
        assertThat(m.acknowledge(Receipt.DELIVERED, now)).as("not delivered before it was sent").isFalse();
        assertThat(m.channelRefused("outcome-lost", "lost")).isTrue();
        assertThat(m.channelRefused("45015", "again")).as("a settled message stays").isFalse();
        assertThat(m.channelAccepted(now)).as("the real outcome arrives late").isTrue();
        assertThat(m.view().status()).isEqualTo("sent");
        assertThat(m.view().failureReason()).isNull();
        assertThat(m.channelAccepted(now)).isFalse();
    }

    @Test
    void receiptsOnlyMoveForwardAndACodeIsCutTo32Characters() {
        ChatMessage m = outbound(conversation(), true);
        assertThat(m.acknowledge(Receipt.READ, now)).isTrue();
        assertThat(m.view().status()).isEqualTo("read");
        assertThat(m.view().deliveredAt()).isEqualTo(now);
        assertThat(m.acknowledge(Receipt.DELIVERED, now)).isFalse();
        assertThat(m.view().status()).isEqualTo("read");

        ChatMessage failed = outbound(conversation(), false);
        failed.channelRefused("x".repeat(40), "long");
        assertThat(failed.failureCode()).hasSize(32);
        assertThat(failed.acknowledge(Receipt.READ, now)).isFalse();
    }

    @Test
    void statusCodesAreTheSeeds() {
        assertThat(ConversationStatus.find("active")).contains(ConversationStatus.ACTIVE);
        assertThat(ConversationStatus.find("ACTIVE")).isEmpty();
        assertThat(ConversationStatus.OPEN).containsExactly(ConversationStatus.WAITING, ConversationStatus.ACTIVE);
        assertThat(new MessageStatus.Column().convertToEntityAttribute("delivered")).isEqualTo(MessageStatus.DELIVERED);
        assertThat(new EndType.Column().convertToDatabaseColumn(EndType.STAFF)).isEqualTo("staff");
    }
}
