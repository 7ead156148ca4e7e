package io.kefu.ticket.project;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/** A customer's project (seed 003): what they need, and where it stands — presale, in-sale, aftersale. */
@Entity
@Table(name = "project")
class Project {

    static final ProblemType WRONG_STAGE = new ProblemType("project-stage", HttpStatus.CONFLICT, "Not the next stage");

    @Id
    UUID id;
    UUID tenantId;
    String customerName;
    String phone;
    String need;
    @Convert(converter = ProjectStage.Column.class)
    ProjectStage stage;
    @Nullable UUID ownerStaffId;
    @Nullable String ownerName;
    @Nullable UUID chatCustomerId;
    @Nullable UUID clientId;
    String source;
    Instant createdAt;
    Instant updatedAt;
    @Version
    @Nullable Long version;

    protected Project() {
    }

    Project(UUID tenantId, String customerName, String phone, String need, @Nullable UUID ownerStaffId, @Nullable String ownerName,
            @Nullable UUID chatCustomerId, @Nullable UUID clientId, String source, Instant now) {
        this.id = UUID.randomUUID();
        this.tenantId = tenantId;
        this.customerName = customerName;
        this.phone = phone;
        this.need = need;
        this.stage = ProjectStage.PRESALE;
        this.ownerStaffId = ownerStaffId;
        this.ownerName = ownerName;
        this.chatCustomerId = chatCustomerId;
        this.clientId = clientId;
        this.source = source;
        this.createdAt = now;
        this.updatedAt = now;
    }

    StageStep started(@Nullable UUID by, String byName) {
        return new StageStep(id, null, ProjectStage.PRESALE, by, byName, need, createdAt);
    }

    /** Moves to the next stage only (presale → in_sale → aftersale); anything else is a 409. */
    StageStep advance(ProjectStage to, @Nullable UUID by, String byName, @Nullable String note, Instant now) {
        if (to.ordinal() != stage.ordinal() + 1) {
            throw new KefuProblemException(WRONG_STAGE, "Project " + id + " is " + stage.wire() + "; the next stage is "
                    + (stage == ProjectStage.AFTERSALE ? "none" : ProjectStage.values()[stage.ordinal() + 1].wire()));
        }
        ProjectStage from = stage;
        stage = to;
        updatedAt = now;
        return new StageStep(id, from, to, by, byName, note, now);
    }
}
