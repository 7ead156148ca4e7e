package io.kefu.chat.realtime;

import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import io.kefu.common.input.NulCharacterException;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.core.NestedExceptionUtils;
import org.jspecify.annotations.Nullable;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.MessageExceptionHandler;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.stereotype.Controller;

/**
 * The client's frames (the seed's socket.io events): send, delivered/read receipts, typing. Every
 * body is validated as its HTTP twin's (the same records and constraints); every refusal (rate limit,
 * unknown conversation, bad input, a NUL character, even an unexpected failure) is answered on
 * {@code /user/queue/errors} and leaves the session open. The answers to a frame (its ack, pong or error) go to the
 * session that sent it, not to the user's other tabs and devices: a pong says that session's subscriptions are in
 * place, an error names a clientMsgId only that session knows.
 */
@Controller
class ChatFrames {

    record Ack(@Nullable String clientMsgId, UUID messageId, UUID conversationId, long seq, String status, @Nullable Instant sentAt) {
    }

    /** The same constraints as HTTP's {@code PUT /api/message/read|delivered} body. */
    record Ids(@NotEmpty @Size(max = 500) List<@NotNull UUID> messageIds) {
    }

    record Typing(@NotNull UUID conversationId, boolean isTyping) {
    }

    record TypingNotice(UUID conversationId, UUID userId, String senderType, boolean isTyping) {
    }

    record ErrorFrame(String code, int status, String detail, @Nullable String clientMsgId, @Nullable String destination,
            List<Map<String, String>> errors) {
        ErrorFrame(String code, int status, String detail, @Nullable String clientMsgId, @Nullable String destination) {
            this(code, status, detail, clientMsgId, destination, List.of());
        }
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ChatFrames.class);

    private final MessageSending sending;
    private final MessageReceipts receipts;
    private final ConversationQueries conversations;
    private final UserFrames frames;
    private final RealtimeRelay relay;
    private final FrameBudget budget;
    private final ConversationPush push;

    ChatFrames(MessageSending sending, MessageReceipts receipts, ConversationQueries conversations, UserFrames frames, RealtimeRelay relay,
            FrameBudget budget, ConversationPush push) {
        this.budget = budget;
        this.push = push;
        this.sending = sending;
        this.receipts = receipts;
        this.conversations = conversations;
        this.frames = frames;
        this.relay = relay;
    }

    /** Validated exactly as {@code POST /api/message/send} (the same record, the same Bean Validation). */
    @MessageMapping("chat.send")
    void send(@Valid @Payload SendCommand command, Principal user,
            @Header(SimpMessageHeaderAccessor.SESSION_ID_HEADER) String session) {
        MessageView stored;
        try {
            // The database work within the frame budget (a busy instance refuses in seconds, with the clientMsgId);
            // what its commit pushes goes out once its connection is back in the pool.
            stored = push.afterRelease(() -> budget.run(() -> sending.send(FrameGuard.principal(user), command)));
        } catch (KefuProblemException e) {
            error(session, e, command.clientMsgId(), "/app/chat.send");
            return;
        } catch (org.springframework.dao.DataAccessException | org.springframework.transaction.TransactionException e) {
            // The database refused the value or failed (e.g. no pooled connection within its timeout under load):
            // answered with the clientMsgId, so that the client knows which message to send again.
            failed(e, session, command.clientMsgId(), "/app/chat.send");
            return;
        }
        frames.toSession(session, "/queue/acks", new Ack(command.clientMsgId(), stored.id(), stored.conversationId(),
                stored.seq(), stored.status(), stored.sentAt()));
    }

    @MessageMapping("chat.delivered")
    void delivered(@Valid @Payload Ids ids, Principal user) {
        acknowledge(user, ids, Receipt.DELIVERED);
    }

    @MessageMapping("chat.read")
    void read(@Valid @Payload Ids ids, Principal user) {
        acknowledge(user, ids, Receipt.READ);
    }

    private void acknowledge(Principal user, @Nullable Ids ids, Receipt receipt) {
        KefuPrincipal me = FrameGuard.principal(user);
        List<UUID> messageIds = ids(ids);
        push.afterRelease(() -> budget.run(() -> receipts.acknowledge(me, messageIds, receipt)));
    }

    /** Not stored: relayed to the other side of the conversation only. */
    @MessageMapping("chat.typing")
    void typing(@Valid @Payload Typing typing, Principal user) {
        KefuPrincipal me = FrameGuard.principal(user);
        if (typing == null || typing.conversationId() == null) {
            throw new KefuProblemException(ProblemType.VALIDATION, "conversationId is required");
        }
        ConversationView conversation = budget.run(() -> conversations.requireVisible(me, typing.conversationId()));
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
    void ping(@Payload(required = false) java.util.@Nullable Map<String, Object> body,
            @Header(SimpMessageHeaderAccessor.SESSION_ID_HEADER) String session) {
        frames.toSession(session, "/queue/pong", java.util.Map.of("nonce",
                body == null ? "" : String.valueOf(body.getOrDefault("nonce", "")), "at", Instant.now().toString()));
    }

    private static List<UUID> ids(@Nullable Ids ids) {
        if (ids == null || ids.messageIds() == null) {
            throw new KefuProblemException(ProblemType.VALIDATION, "messageIds is required");
        }
        return ids.messageIds();
    }

    @MessageExceptionHandler(KefuProblemException.class)
    void refused(KefuProblemException e, @Header(SimpMessageHeaderAccessor.SESSION_ID_HEADER) String session,
            @Header(name = "simpDestination", required = false) @Nullable String destination) {
        error(session, e, null, destination);
    }

    private void error(String session, KefuProblemException e, @Nullable String clientMsgId, @Nullable String destination) {
        frames.toSession(session, "/queue/errors", new ErrorFrame(e.problem().code(), e.problem().status().value(),
                e.getMessage(), clientMsgId, destination));
    }

    /** Bean Validation refused the frame's body: the same 400 {@code validation-failed} HTTP answers, field by field. */
    @MessageExceptionHandler(org.springframework.messaging.handler.annotation.support.MethodArgumentNotValidException.class)
    void invalid(org.springframework.messaging.handler.annotation.support.MethodArgumentNotValidException e,
            @Header(SimpMessageHeaderAccessor.SESSION_ID_HEADER) String session,
            @Header(name = "simpDestination", required = false) @Nullable String destination) {
        List<Map<String, String>> errors = e.getBindingResult() == null ? List.of() : e.getBindingResult().getFieldErrors().stream()
                .map(f -> Map.of("field", f.getField(), "message", String.valueOf(f.getDefaultMessage()))).toList();
        // Echoed so the client can match the refusal, unless it is the over-long field itself.
        String clientMsgId = e.getBindingResult() != null && e.getBindingResult().getTarget() instanceof SendCommand command
                && command.clientMsgId() != null && command.clientMsgId().length() <= 64 ? command.clientMsgId() : null;
        frames.toSession(session, "/queue/errors", new ErrorFrame(ProblemType.VALIDATION.code(), 400, "Some fields are not valid",
                clientMsgId, destination, errors));
    }

    @MessageExceptionHandler({ConstraintViolationException.class, IllegalArgumentException.class,
            org.springframework.messaging.converter.MessageConversionException.class})
    void unreadable(Exception e, @Header(SimpMessageHeaderAccessor.SESSION_ID_HEADER) String session,
            @Header(name = "simpDestination", required = false) @Nullable String destination) {
        boolean nul = NestedExceptionUtils.getMostSpecificCause(e) instanceof NulCharacterException;
        frames.toSession(session, "/queue/errors", nul
                ? new ErrorFrame(ProblemType.VALIDATION.code(), 400, "Some fields are not valid", null, destination,
                        List.of(Map.of("field", path(NestedExceptionUtils.getMostSpecificCause(e)), "message", NulCharacterException.MESSAGE)))
                : new ErrorFrame(ProblemType.MALFORMED.code(), 400, "The frame cannot be read", null, destination));
    }

    /**
     * Anything else still answers: a frame never vanishes without a word. A value the database refuses
     * is the frame's fault (400, as over HTTP); no database connection is a 503 to send again (as over
     * HTTP); the rest is an internal error, logged, with no internals sent.
     */
    @MessageExceptionHandler(Exception.class)
    void failed(Exception e, @Header(SimpMessageHeaderAccessor.SESSION_ID_HEADER) String session,
            @Header(name = "simpDestination", required = false) @Nullable String destination) {
        failed(e, session, null, destination);
    }

    private void failed(Exception e, String session, @Nullable String clientMsgId, @Nullable String destination) {
        if (e instanceof org.springframework.dao.DataIntegrityViolationException) {
            frames.toSession(session, "/queue/errors", new ErrorFrame(ProblemType.VALIDATION.code(), 400,
                    "A value cannot be stored (too long, out of range, or holding a character that cannot be stored)", clientMsgId, destination));
            return;
        }
        if (io.kefu.common.error.ProblemHandler.noConnection(e)) {
            // No connection to be had (pool exhausted, PostgreSQL unreachable): nothing was stored, the client sends it again.
            log.warn("A STOMP frame to {} found no database connection: {}", destination, NestedExceptionUtils.getMostSpecificCause(e).toString());
            frames.toSession(session, "/queue/errors", new ErrorFrame(ProblemType.UNAVAILABLE.code(), 503,
                    "The service cannot reach its database right now; send it again in a moment", clientMsgId, destination));
            return;
        }
        log.error("A STOMP frame to {} failed", destination, e);
        frames.toSession(session, "/queue/errors", new ErrorFrame(ProblemType.INTERNAL.code(), 500, "An unexpected error occurred",
                clientMsgId, destination));
    }

    private static String path(Throwable e) {
        return e instanceof tools.jackson.core.JacksonException jackson ? jackson.getPath().stream()
                .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                .collect(java.util.stream.Collectors.joining(".")).replace(".[", "[") : "";
    }
}
