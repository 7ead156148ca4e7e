package io.kefu.ticket.project;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;
import org.jspecify.annotations.Nullable;

/** One stage change of a project; append-only (a trigger refuses changes). */
@Entity
@Immutable
@Table(name = "project_stage")
class StageStep implements org.springframework.data.domain.Persistable<UUID> {

    @Id
    UUID id;
    UUID projectId;
    @Convert(converter = ProjectStage.Column.class)
    @Nullable ProjectStage fromStage;
    @Convert(converter = ProjectStage.Column.class)
    ProjectStage toStage;
    @Nullable UUID operatorId;
    String operatorName;
    @Nullable String note;
    Instant at;

    @jakarta.persistence.Transient
    private boolean stored;

    protected StageStep() {
    }

    StageStep(UUID projectId, @Nullable ProjectStage from, ProjectStage to, @Nullable UUID operatorId, String operatorName,
            @Nullable String note, Instant at) {
        this.id = UUID.randomUUID();
        this.projectId = projectId;
        this.fromStage = from;
        this.toStage = to;
        this.operatorId = operatorId;
        this.operatorName = operatorName;
        this.note = note;
        this.at = at;
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
}
