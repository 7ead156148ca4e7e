package io.kefu.ticket.ticket;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.ticket.sla.SlaClock;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * A ticket (seed 004 §4.2). Every change is a method that checks the state it starts from and returns
 * the history step to append, so no change goes unrecorded; {@code @Version} turns a concurrent change
 * into a 409 instead of a lost update.
 */
@Entity
@Table(name = "ticket")
class Ticket {

    static final ProblemType WRONG_STATE = new ProblemType("ticket-state", HttpStatus.CONFLICT, "Not possible in the ticket's state");

    @Id
    UUID id;
    UUID tenantId;
    @Nullable UUID providerId;
    @Nullable UUID clientId;
    @Nullable UUID chatCustomerId;
    @Nullable UUID conversationId;
    String title;
    String content;
    @Convert(converter = TicketType.Column.class)
    TicketType type;
    @Convert(converter = TicketPriority.Column.class)
    TicketPriority priority;
    @Convert(converter = TicketStatus.Column.class)
    TicketStatus status;
    @Convert(converter = EscalationStatus.Column.class)
    EscalationStatus escalationStatus;
    @Nullable String escalationReason;
    @Nullable UUID assigneeId;
    @Nullable String assigneeName;
    @Nullable UUID createdBy;
    Instant slaStartedAt;
    @Nullable Instant waitingSince;
    long pausedSeconds;
    @Nullable Instant firstResponseAt;
    boolean firstResponseBreached;
    boolean resolutionBreached;
    @Nullable Short rating;
    @Nullable String ratingComment;
    @Nullable Instant ratedAt;
    @JdbcTypeCode(SqlTypes.JSON)
    @Nullable String transcript;
    Instant createdAt;
    Instant updatedAt;
    @Nullable Instant resolvedAt;
    @Nullable Instant closedAt;
    /** Null until first stored, so that Spring Data persists (not merges) a new one. */
    @Version
    @Nullable Long version;

    protected Ticket() {
    }

    /** What a new ticket is made of; the caller has checked every field. */
    record Draft(UUID tenantId, @Nullable UUID providerId, @Nullable UUID clientId, @Nullable UUID chatCustomerId,
            @Nullable UUID conversationId, String title, String content, TicketType type, TicketPriority priority,
            @Nullable UUID assigneeId, @Nullable String assigneeName, @Nullable Instant slaStartedAt, @Nullable String transcript) {
    }

    static Ticket open(Draft d, Operator by, Instant now) {
        Ticket t = new Ticket();
        t.id = UUID.randomUUID();
        t.tenantId = d.tenantId();
        t.providerId = d.providerId();
        t.clientId = d.clientId();
        t.chatCustomerId = d.chatCustomerId();
        t.conversationId = d.conversationId();
        t.title = d.title();
        t.content = d.content();
        t.type = d.type();
        t.priority = d.priority();
        t.status = TicketStatus.OPEN;
        t.escalationStatus = EscalationStatus.NORMAL;
        t.assigneeId = d.assigneeId();
        t.assigneeName = d.assigneeName();
        t.createdBy = by.id();
        t.slaStartedAt = d.slaStartedAt() != null && d.slaStartedAt().isBefore(now) ? d.slaStartedAt() : now;
        t.transcript = d.transcript();
        t.createdAt = now;
        t.updatedAt = now;
        return t;
    }

    TicketHistory created(Operator by) {
        return new TicketHistory(id, by, "created", title, createdAt);
    }

    boolean isOpen() {
        return status == TicketStatus.OPEN || status == TicketStatus.PROCESSING;
    }

    /**
     * A reply. From whoever handles the ticket: the first one is the first response (open → processing);
     * {@code waitForCustomer} pauses the SLA clock until the customer answers. From the customer: a
     * running pause ends (its business time is kept aside).
     */
    TicketHistory reply(Operator by, String text, boolean waitForCustomer, SlaClock clock, Instant now) {
        requireOpen("reply to");
        if ("customer".equals(by.type())) {
            endPause(clock);
        } else {
            if (firstResponseAt == null) {
                firstResponseAt = now;
            }
            if (status == TicketStatus.OPEN) {
                status = TicketStatus.PROCESSING;
            }
            if (waitForCustomer && waitingSince == null) {
                waitingSince = now;
            } else if (!waitForCustomer) {
                endPause(clock);
            }
        }
        updatedAt = now;
        return new TicketHistory(id, by, waitForCustomer && !"customer".equals(by.type()) ? "replied_waiting_customer" : "replied", text, now);
    }

    TicketHistory resolve(Operator by, @Nullable String note, SlaClock clock, Instant now) {
        requireOpen("resolve");
        endPause(clock);
        if (firstResponseAt == null) {
            firstResponseAt = now;
        }
        status = TicketStatus.RESOLVED;
        resolvedAt = now;
        updatedAt = now;
        return new TicketHistory(id, by, "resolved", note, now);
    }

    /** Hands the ticket to the tenant's support staff; a second escalation is refused (409). */
    TicketHistory escalate(Operator by, String reason, String supportName, Instant now) {
        requireOpen("escalate");
        if (escalationStatus == EscalationStatus.ESCALATED) {
            throw new KefuProblemException(WRONG_STATE, "Ticket " + id + " is already escalated");
        }
        escalationStatus = EscalationStatus.ESCALATED;
        escalationReason = reason;
        assigneeId = null;
        assigneeName = supportName;
        updatedAt = now;
        return new TicketHistory(id, by, "escalated", reason, now);
    }

    boolean isEscalated() {
        return escalationStatus == EscalationStatus.ESCALATED;
    }

    /** Records a missed target once; answers the history step, or null when it was already recorded. */
    @Nullable TicketHistory breached(String target, Duration elapsed, Duration goal, Instant now) {
        boolean first = "first_response".equals(target);
        if (first ? firstResponseBreached : resolutionBreached) {
            return null;
        }
        if (first) {
            firstResponseBreached = true;
        } else {
            resolutionBreached = true;
        }
        updatedAt = now;
        return new TicketHistory(id, Operator.SYSTEM, "sla_breached",
                target + ": " + elapsed.toMinutes() + " min of business time, target " + goal.toMinutes() + " min", now);
    }

    TicketHistory rate(Operator by, int score, @Nullable String comment, Instant now) {
        if (status != TicketStatus.RESOLVED && status != TicketStatus.CLOSED) {
            throw new KefuProblemException(WRONG_STATE, "Only a resolved ticket can be rated");
        }
        if (rating != null) {
            throw new KefuProblemException(new ProblemType("already-rated", HttpStatus.CONFLICT, "Already rated"),
                    "Ticket " + id + " was already rated");
        }
        rating = (short) score;
        ratingComment = comment;
        ratedAt = now;
        updatedAt = now;
        return new TicketHistory(id, by, "rated", score + (comment == null ? "" : " " + comment), now);
    }

    private void endPause(SlaClock clock) {
        if (waitingSince != null) {
            pausedSeconds += clock.pauseEndingNow(waitingSince).toSeconds();
            waitingSince = null;
        }
    }

    private void requireOpen(String what) {
        if (!isOpen()) {
            throw new KefuProblemException(WRONG_STATE, "Cannot " + what + " a " + status.wire() + " ticket");
        }
    }
}
