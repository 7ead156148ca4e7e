package io.kefu.ticket.ticket;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;
import org.jspecify.annotations.Nullable;

/** One processing step (seed 004 §4.2 processingHistory): who, what, when. Append-only (a trigger refuses changes). */
@Entity
@Immutable
@Table(name = "ticket_history")
class TicketHistory implements org.springframework.data.domain.Persistable<UUID> {

    @Id
    UUID id;
    UUID ticketId;
    @Nullable UUID operatorId;
    String operatorName;
    String operatorType;
    String action;
    @Nullable String content;
    Instant at;

    /** Ids are assigned here, so Spring Data is told which rows are new (persist, not merge). */
    @jakarta.persistence.Transient
    private boolean stored;

    protected TicketHistory() {
    }

    @Override
    public UUID getId() {
        return id;
    }

    @Override
    public boolean isNew() {
        return !stored;
    }

    @jakarta.persistence.PostLoad
    @jakarta.persistence.PostPersist
    void stored() {
        stored = true;
    }

    TicketHistory(UUID ticketId, Operator by, String action, @Nullable String content, Instant at) {
        this.id = UUID.randomUUID();
        this.ticketId = ticketId;
        this.operatorId = by.id();
        this.operatorName = by.name();
        this.operatorType = by.type();
        this.action = action;
        this.content = content;
        this.at = at;
    }
}
