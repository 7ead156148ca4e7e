package io.kefu.ticket.project;

import java.net.URI;
import java.util.UUID;

import io.kefu.ticket.project.Projects.CreateRequest;
import io.kefu.ticket.project.Projects.ProjectPage;
import io.kefu.ticket.project.Projects.ProjectView;
import io.kefu.ticket.provider.Caller;
import io.kefu.ticket.provider.Inputs.Paging;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Seed 003: projects presale → in-sale → aftersale. */
@RestController
@RequestMapping("/api/projects")
@Tag(name = "projects", description = "staff, providers, customers: projects and their stages")
class ProjectController {

    record StageRequest(@Nullable String stage, @Nullable String note) {
    }

    private final Projects projects;

    ProjectController(Projects projects) {
        this.projects = projects;
    }

    @GetMapping
    @Operation(summary = "Projects the caller may see (stage, keyword = name or phone)")
    ProjectPage list(@RequestParam(required = false) Integer page, @RequestParam(required = false) Integer pageSize,
            @RequestParam(required = false) String stage, @RequestParam(required = false) String keyword) {
        return projects.list(Caller.require(), stage, keyword, Paging.of(page, pageSize));
    }

    @GetMapping("/{id}")
    @Operation(summary = "One project with its stage history")
    ProjectView get(@PathVariable UUID id) {
        return projects.get(Caller.require(), id);
    }

    @PostMapping
    @Operation(summary = "Record a presale project (staff)")
    ResponseEntity<ProjectView> create(@RequestBody CreateRequest request) {
        Caller caller = Caller.require();
        UUID id = projects.create(caller, request);
        return ResponseEntity.created(URI.create("/api/projects/" + id)).body(projects.get(caller, id));
    }

    @PostMapping("/{id}/stage")
    @Operation(summary = "Move to the next stage {stage: in_sale|aftersale, note}")
    ProjectView advance(@PathVariable UUID id, @RequestBody StageRequest request) {
        return projects.advance(Caller.require(), id, request.stage(), request.note());
    }
}
