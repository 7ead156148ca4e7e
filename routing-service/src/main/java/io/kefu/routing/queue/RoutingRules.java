package io.kefu.routing.queue;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tenant's routing rules: AI first or not, its default and engineers' groups, its VIP customers, and
 * which group takes a conversation the AI hands over, by the intent kb-ai found (hot: read on every
 * hand-off, changed through the rules API without a restart).
 */
@Component
public class RoutingRules {

    static final String GROUP = "[\\p{L}\\p{N}_.-]{1,64}";

    static final String INTENT = "presale|aftersale|complaint|human|other";

    /** @param intentGroups intent (kb-ai's: presale, aftersale, complaint, human, other) → group; absent = empty */
    public record Rule(boolean aiFirst, @NotBlank @Pattern(regexp = GROUP) String defaultGroup,
            @NotBlank @Pattern(regexp = GROUP) String engineerGroup, @NotNull @Size(max = 10_000) List<UUID> vipCustomers,
            @Nullable Map<@NotNull @Pattern(regexp = INTENT) String, @NotBlank @Pattern(regexp = GROUP) String> intentGroups) {

        static final Rule DEFAULT = new Rule(false, "default", "engineers", List.of(), Map.of());

        public Rule {
            intentGroups = intentGroups == null ? Map.of() : intentGroups;
        }

        /** The group a hand-off of {@code intent} joins, if the tenant maps that intent. */
        public Optional<String> groupFor(@Nullable String intent) {
            return Optional.ofNullable(intent == null || intentGroups == null ? null : intentGroups.get(intent));
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcTemplate jdbc;
    private final Clock clock;

    RoutingRules(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Rule of(UUID tenantId) {
        return jdbc.query("select * from routing_rule where tenant_id = ?", (rs, i) -> new Rule(rs.getBoolean("ai_first"),
                rs.getString("default_group"), rs.getString("engineer_group"),
                Arrays.asList((UUID[]) rs.getArray("vip_customers").getArray()), intentGroups(rs.getString("intent_groups"))), tenantId)
                .stream().findFirst().orElse(Rule.DEFAULT);
    }

    private static Map<String, String> intentGroups(String json) {
        Map<String, String> groups = new TreeMap<>();
        JSON.readTree(json).properties().forEach(e -> groups.put(e.getKey(), e.getValue().asString()));
        return Map.copyOf(groups);
    }

    public Rule save(UUID tenantId, Rule rule) {
        if (rule.vipCustomers().stream().anyMatch(java.util.Objects::isNull)) {
            throw new KefuProblemException(ProblemType.VALIDATION, "vipCustomers must not contain nulls");
        }
        jdbc.update("""
                insert into routing_rule (tenant_id, ai_first, default_group, engineer_group, vip_customers, intent_groups, updated_at)
                values (?, ?, ?, ?, ?, cast(? as jsonb), ?)
                on conflict (tenant_id) do update set ai_first = excluded.ai_first, default_group = excluded.default_group,
                    engineer_group = excluded.engineer_group, vip_customers = excluded.vip_customers,
                    intent_groups = excluded.intent_groups, updated_at = excluded.updated_at""",
                tenantId, rule.aiFirst(), rule.defaultGroup(), rule.engineerGroup(), rule.vipCustomers().toArray(UUID[]::new),
                JSON.writeValueAsString(rule.intentGroups()), Timestamp.from(clock.instant()));
        return of(tenantId);
    }
}
