package io.kefu.chat.realtime;

import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kefu.chat.conversation.ConversationQueries;
import io.kefu.chat.conversation.ConversationView;
import io.kefu.chat.conversation.MessageReceipts;
import io.kefu.chat.conversation.MessageSending;
import io.kefu.chat.conversation.MessageView;
import io.kefu.chat.conversation.Receipt;
import io.kefu.chat.conversation.SendCommand;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import jakarta.validation.ConstraintViolationException;
import org.jspecify.annotations.Nullable;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.MessageExceptionHandler;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.stereotype.Controller;

/**
 * The client's frames (the seed's socket.io events): send, delivered/read receipts, typing. Every
 * refusal (rate limit, unknown conversation, bad input) is answered on {@code /user/queue/errors}
 * and leaves the session open.
 */
@Controller
class ChatFrames {

    record Ack(@Nullable String clientMsgId, UUID messageId, UUID conversationId, long seq, String status, @Nullable Instant sentAt) {
    }

    record Ids(List<UUID> messageIds) {
    }

    record Typing(UUID conversationId, boolean isTyping) {
    }

    record TypingNotice(UUID conversationId, UUID userId, String senderType, boolean isTyping) {
    }

    record ErrorFrame(String code, int status, String detail, @Nullable String clientMsgId, @Nullable String destination) {
    }

    private final MessageSending sending;
    private final MessageReceipts receipts;
    private final ConversationQueries conversations;
    private final UserFrames frames;
    private final RealtimeRelay relay;

    ChatFrames(MessageSending sending, MessageReceipts receipts, ConversationQueries conversations, UserFrames frames, RealtimeRelay relay) {
        this.sending = sending;
        this.receipts = receipts;
        this.conversations = conversations;
        this.frames = frames;
        this.relay = relay;
    }

    @MessageMapping("chat.send")
    void send(@Payload SendCommand command, Principal user) {
        if (command == null || command.content() == null || command.content().isBlank() || command.content().length() > 4000) {
            throw new KefuProblemException(ProblemType.VALIDATION, "content must hold 1 to 4000 characters");
        }
        MessageView stored;
        try {
            stored = sending.send(FrameGuard.principal(user), command);
        } catch (KefuProblemException e) {
            error(user, e, command.clientMsgId(), "/app/chat.send");
            return;
        }
        frames.send(user.getName(), "/queue/acks", new Ack(command.clientMsgId(), stored.id(), stored.conversationId(),
                stored.seq(), stored.status(), stored.sentAt()));
    }

    @MessageMapping("chat.delivered")
    void delivered(@Payload Ids ids, Principal user) {
        receipts.acknowledge(FrameGuard.principal(user), ids(ids), Receipt.DELIVERED);
    }

    @MessageMapping("chat.read")
    void read(@Payload Ids ids, Principal user) {
        receipts.acknowledge(FrameGuard.principal(user), ids(ids), Receipt.READ);
    }

    /** Not stored: relayed to the other side of the conversation only. */
    @MessageMapping("chat.typing")
    void typing(@Payload Typing typing, Principal user) {
        KefuPrincipal me = FrameGuard.principal(user);
        if (typing == null || typing.conversationId() == null) {
            throw new KefuProblemException(ProblemType.VALIDATION, "conversationId is required");
        }
        ConversationView conversation = conversations.requireVisible(me, typing.conversationId());
        boolean customer = me.userId().equals(conversation.customerId());
        List<String> others = new ArrayList<>();
        if (customer && conversation.agentId() != null) {
            others.add(conversation.agentId().toString());
        } else if (!customer) {
            others.add(conversation.customerId().toString());
        }
        relay.toUsers(others, "/queue/typing", new TypingNotice(conversation.id(), me.userId(), customer ? "customer" : "staff",
                typing.isTyping()));
    }

    /** A round trip for clients: liveness and "my subscriptions are in place" (frames are handled in order). */
    @MessageMapping("chat.ping")
    void ping(@Payload(required = false) java.util.@Nullable Map<String, Object> body, Principal user) {
        frames.send(user.getName(), "/queue/pong", java.util.Map.of("nonce",
                body == null ? "" : String.valueOf(body.getOrDefault("nonce", "")), "at", Instant.now().toString()));
    }

    private static List<UUID> ids(@Nullable Ids ids) {
        if (ids == null || ids.messageIds() == null) {
            throw new KefuProblemException(ProblemType.VALIDATION, "messageIds is required");
        }
        return ids.messageIds();
    }

    @MessageExceptionHandler(KefuProblemException.class)
    void refused(KefuProblemException e, Principal user, @Header(name = "simpDestination", required = false) @Nullable String destination) {
        error(user, e, null, destination);
    }

    private void error(Principal user, KefuProblemException e, @Nullable String clientMsgId, @Nullable String destination) {
        frames.send(user.getName(), "/queue/errors", new ErrorFrame(e.problem().code(), e.problem().status().value(),
                e.getMessage(), clientMsgId, destination));
    }

    @MessageExceptionHandler({ConstraintViolationException.class, IllegalArgumentException.class,
            org.springframework.messaging.converter.MessageConversionException.class,
            org.springframework.messaging.handler.annotation.support.MethodArgumentNotValidException.class})
    void unreadable(Exception e, Principal user, @Header(name = "simpDestination", required = false) @Nullable String destination) {
        frames.send(user.getName(), "/queue/errors", new ErrorFrame(ProblemType.MALFORMED.code(), 400,
                "The frame cannot be read: " + e.getMessage(), null, destination));
    }
}
