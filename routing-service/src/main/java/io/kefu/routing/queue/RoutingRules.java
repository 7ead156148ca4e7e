package io.kefu.routing.queue;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** A tenant's routing rules: AI first or not, its default and engineers' groups, its VIP customers. */
@Component
public class RoutingRules {

    static final String GROUP = "[\\p{L}\\p{N}_.-]{1,64}";

    public record Rule(boolean aiFirst, @NotBlank @Pattern(regexp = GROUP) String defaultGroup,
            @NotBlank @Pattern(regexp = GROUP) String engineerGroup, @NotNull @Size(max = 10_000) List<UUID> vipCustomers) {

        static final Rule DEFAULT = new Rule(false, "default", "engineers", List.of());
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;

    RoutingRules(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Rule of(UUID tenantId) {
        return jdbc.query("select * from routing_rule where tenant_id = ?", (rs, i) -> new Rule(rs.getBoolean("ai_first"),
                rs.getString("default_group"), rs.getString("engineer_group"),
                Arrays.asList((UUID[]) rs.getArray("vip_customers").getArray())), tenantId).stream().findFirst().orElse(Rule.DEFAULT);
    }

    public Rule save(UUID tenantId, Rule rule) {
        if (rule.vipCustomers().stream().anyMatch(java.util.Objects::isNull)) {
            throw new KefuProblemException(ProblemType.VALIDATION, "vipCustomers must not contain nulls");
        }
        jdbc.update("""
                insert into routing_rule (tenant_id, ai_first, default_group, engineer_group, vip_customers, updated_at)
                values (?, ?, ?, ?, ?, ?)
                on conflict (tenant_id) do update set ai_first = excluded.ai_first, default_group = excluded.default_group,
                    engineer_group = excluded.engineer_group, vip_customers = excluded.vip_customers, updated_at = excluded.updated_at""",
                tenantId, rule.aiFirst(), rule.defaultGroup(), rule.engineerGroup(), rule.vipCustomers().toArray(UUID[]::new),
                Timestamp.from(clock.instant()));
        return of(tenantId);
    }
}
