package io.kefu.kbai.review;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** KB hit rate and AI accuracy per day: for the tenant's supervisors, and for stats-service under /internal. */
@RestController
@Tag(name = "ai-figures")
class DailyFiguresController {

    private final DailyFigures figures;

    DailyFiguresController(DailyFigures figures) {
        this.figures = figures;
    }

    @Operation(summary = "The tenant's AI figures per day: KB hit rate, AI accuracy, answers, drafts, hand-offs, tokens (supervisor)")
    @GetMapping("/api/kb/stats/daily")
    List<DailyFigures.Day> daily(@RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to, @RequestParam(required = false) @Nullable String zone) {
        KefuPrincipal me = KefuPrincipal.require();
        if (!me.hasRole("supervisor") || me.tenantId() == null) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Supervisors and admins of the tenant only");
        }
        return figures.days(me.tenantId(), from, to, zone);
    }

    @Hidden
    @GetMapping("/internal/kb/stats/daily")
    List<DailyFigures.Day> internal(@RequestParam UUID tenantId, @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to, @RequestParam(required = false) @Nullable String zone) {
        return figures.days(tenantId, from, to, zone);
    }
}
