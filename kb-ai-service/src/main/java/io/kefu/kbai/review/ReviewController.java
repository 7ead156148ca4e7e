package io.kefu.kbai.review;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.kbai.answer.AnswerRow;
import io.kefu.kbai.answer.Transcript;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The review queue of the tenant's drafts, for its staff (agents, supervisors, admins). */
@RestController
@RequestMapping("/api/kb/reviews")
@Tag(name = "reviews")
@Validated
class ReviewController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Drafts drafts;
    private final Reviews reviews;
    private final Transcript transcript;
    private final LiveProperties<ReviewProperties> properties;

    ReviewController(Drafts drafts, Reviews reviews, Transcript transcript, LiveProperties<ReviewProperties> properties) {
        this.drafts = drafts;
        this.reviews = reviews;
        this.transcript = transcript;
        this.properties = properties;
    }

    record Line(String senderType, String content, Instant at) {
    }

    /**
     * A draft as the reviewer sees it.
     *
     * @param items  the KB items the draft drew on (itemId, question, score), best first
     * @param dueAt  when the draft goes to the human queue unless reviewed (earlier when the customer's WeChat window closes)
     */
    record Draft(UUID id, UUID conversationId, UUID customerId, String question, @Nullable String draft, String status, String band,
            double score, @Nullable String intent, @Nullable String model, JsonNode items, List<Line> lastMessages, Instant createdAt,
            Instant dueAt, @Nullable UUID claimedBy, @Nullable Instant claimedUntil, @Nullable String verdict, @Nullable String answer) {
    }

    record Page(List<Draft> items, int page, int pageSize, long total) {
    }

    /**
     * @param answer   the text to send; omitted (or equal to the draft) = send the draft as it is
     * @param saveToKb none, phrasing (the question becomes a phrasing of the best item) or answer (the text becomes its answer)
     */
    record SendBody(@Nullable @Size(min = 1, max = 4000) @Pattern(regexp = "(?s)[^\\x00]*[^\\x00\\s][^\\x00]*") String answer,
            @Nullable @Pattern(regexp = "none|phrasing|answer") String saveToKb) {
    }

    record RejectBody(@Nullable @Size(max = 500) @Pattern(regexp = "[^\\x00]*") String reason) {
    }

    @Operation(summary = "Drafts waiting for review, oldest first (staff)")
    @GetMapping
    Page list(@RequestParam(defaultValue = "1") @Min(1) @Max(100_000) int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(100) int pageSize) {
        KefuPrincipal me = staff();
        List<Draft> items = drafts.page(me.tenantId(), page, pageSize).stream().map(id -> view(drafts.get(me.tenantId(), id))).toList();
        return new Page(items, page, pageSize, drafts.count(me.tenantId()));
    }

    @Operation(summary = "One draft with the conversation's last messages (staff)")
    @GetMapping("/{id}")
    Draft get(@PathVariable UUID id) {
        KefuPrincipal me = staff();
        return view(drafts.get(me.tenantId(), id));
    }

    @Operation(summary = "Claim a draft: no other reviewer can act on it while the claim holds (409 draft-claimed)")
    @PostMapping("/{id}/claim")
    Draft claim(@PathVariable UUID id) {
        KefuPrincipal me = staff();
        return view(reviews.claim(me.tenantId(), id, me.userId()));
    }

    @Operation(summary = "Send the claimed draft as it is, or edited (optionally saving the edit into the KB)")
    @PostMapping("/{id}/send")
    Draft send(@PathVariable UUID id, @Valid @RequestBody(required = false) @Nullable SendBody body) {
        KefuPrincipal me = staff();
        SendBody b = body == null ? new SendBody(null, null) : body;
        SaveToKb save = b.saveToKb() == null ? SaveToKb.NONE : SaveToKb.valueOf(b.saveToKb().toUpperCase());
        if (save != SaveToKb.NONE && !me.hasRole("supervisor")) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Only supervisors and admins change the KB");
        }
        return view(reviews.send(me.tenantId(), id, me.userId(), b.answer(), save));
    }

    @Operation(summary = "Reject the claimed draft: the customer goes to the human queue")
    @PostMapping("/{id}/reject")
    Draft reject(@PathVariable UUID id, @Valid @RequestBody(required = false) @Nullable RejectBody body) {
        KefuPrincipal me = staff();
        return view(reviews.reject(me.tenantId(), id, me.userId(), body == null ? null : body.reason()));
    }

    private Draft view(AnswerRow row) {
        ReviewProperties p = properties.get();
        Instant due = row.createdAt().plus(p.timeout());
        if (row.channel() != null && p.windowChannels().contains(row.channel())) {
            Instant windowDue = row.customerWroteAt().plus(p.window()).minus(p.windowMargin());
            due = windowDue.isBefore(due) ? windowDue : due;
        }
        List<Line> lines = transcript.last(row.conversationId(), 10, null).stream()
                .map(l -> new Line(l.senderType(), l.content(), l.at())).toList();
        return new Draft(row.id(), row.conversationId(), row.customerId(), row.question(), row.draft(), row.status(), row.bandOr("fallback"),
                row.score(), row.intent(), row.model(), JSON.readTree(row.itemsJson()), lines, row.createdAt(), due, row.claimedBy(),
                row.claimedUntil(), row.verdict(), row.answer());
    }

    static KefuPrincipal staff() {
        KefuPrincipal me = KefuPrincipal.require();
        if (!me.hasRole("agent") || me.tenantId() == null) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Staff of the tenant only");
        }
        return me;
    }
}
