package io.kefu.ticket.project;

import java.util.List;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

interface StageRepository extends JpaRepository<StageStep, UUID> {

    List<StageStep> findByProjectIdOrderByAtAscIdAsc(UUID projectId);
}
