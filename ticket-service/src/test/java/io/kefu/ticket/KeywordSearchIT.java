package io.kefu.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * Keyword searches answer exactly what ILIKE over the whole scope answers (rows, order, total, by page and
 * by cursor), whatever index serves them: keywords of one or two characters come from the gram indexes of
 * V16 (Chinese, Latin in either case, mixed, and the LIKE metacharacters taken literally), longer ones from
 * the trigram indexes, and a search with few matches is sorted from them.
 */
class KeywordSearchIT extends TicketItSupport {

    static final List<String> TITLES = List.of("端口无法登录", "登录失败", "登陆问题", "Login failed", "LOGIN 错误", "log 导出", "报表导出 #12",
            "100% 完成", "a_b 字段", "path x\\y", "ab", "A", "登", "VIP客户升级", "vip 续费", "Ｖ全角", "培训安排");
    static final List<String> KEYWORDS = List.of("登", "录", "l", "L", "%", "_", "#", "\\", "A", "Ｖ", "登录", "陆问", "lo", "LO", "Lo", "in",
            "P客", "p客", "0%", "a_", "\\y", "x\\", " 导", "ab", "no", "登录失", "login", "报表导出");

    @Test
    void ticketSearchesOfEveryLengthAnswerExactlyWhatIlikeAnswers() {
        UUID clientA = customerOf(providerA, "杭州云帆科技");
        UUID clientB = customerOf(providerB, "宁波海工");
        for (int i = 0; i < TITLES.size(); i++) {
            // Two of each title, one per provider, several at each instant (ties ordered by id).
            jdbc.update("""
                    insert into ticket (id, tenant_id, provider_id, client_id, title, content, type, priority, status, escalation_status,
                                        sla_started_at, created_at, updated_at)
                    select gen_random_uuid(), ?, p, c, ?, '描述', 'system_issue', 'normal', 'open', 'normal', now(),
                           timestamptz '2026-01-01 00:00:00+00' + (? / 3) * interval '1 minute', now()
                    from (values (?::uuid, ?::uuid), (?::uuid, ?::uuid)) as v(p, c)""",
                    tenant, TITLES.get(i), i, providerA, clientA, providerB, clientB);
        }
        for (String keyword : KEYWORDS) {
            String like = ilikePattern(keyword.strip()); // the API strips the keyword
            walk("/api/tickets?keyword=" + encode(keyword), "tickets", admin,
                    ids("select id from ticket where tenant_id = ? and title ilike ? order by created_at desc, id", tenant, like));
            walk("/api/tickets?keyword=" + encode(keyword), "tickets", tokenA,
                    ids("select id from ticket where tenant_id = ? and provider_id = ? and title ilike ? order by created_at desc, id", tenant,
                            providerA, like));
        }
        assertThat(ids("select id from ticket where tenant_id = ? and title ilike ?", tenant, ilikePattern("lo"))).as("Login, LOGIN, log")
                .hasSize(6);
    }

    @Test
    void customerSearchesOfEveryLengthAnswerExactlyWhatIlikeAnswers() {
        List<String[]> customers = List.of(new String[] {"杭州云帆科技", "王经理", "13800138000"}, new String[] {"Alpha 软件", "bob", "021-5555"},
                new String[] {"ALPHA数据", "Bo", "+86 139"}, new String[] {"云帆_100%", null, null}, new String[] {"华东 VIP", "李 A", "0571"});
        for (int i = 0; i < customers.size(); i++) {
            String[] c = customers.get(i);
            jdbc.update("""
                    insert into client (id, tenant_id, provider_id, name, contact_person, phone, purchase_date, expiry_date, status,
                                        created_at, updated_at)
                    select gen_random_uuid(), ?, p, ?, ?, ?, current_date - 30, current_date + 300, 'active',
                           timestamptz '2026-01-01 00:00:00+00' + (? / 2) * interval '1 second', now()
                    from (values (?::uuid), (?::uuid)) as v(p)""", tenant, c[0], c[1], c[2], i, providerA, providerB);
        }
        for (String keyword : List.of("云", "云帆", "王", "a", "A", "AL", "al", "bo", "B", "00", "0%", "_1", "-5", "+8", " 1", "P", "李 ", "%",
                "alpha", "13800", "云帆科")) {
            String like = ilikePattern(keyword.strip()); // the API strips the keyword
            walk("/api/customers?keyword=" + encode(keyword), "customers", admin, ids("""
                    select id from client where tenant_id = ? and (name ilike ? or contact_person ilike ? or phone like ?)
                    order by created_at desc, id""", tenant, like, like, like));
            walk("/api/customers?keyword=" + encode(keyword), "customers", tokenB, ids("""
                    select id from client where tenant_id = ? and provider_id = ? and (name ilike ? or contact_person ilike ? or phone like ?)
                    order by created_at desc, id""", tenant, providerB, like, like, like));
        }
    }

    private static String ilikePattern(String keyword) {
        return "%" + keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static String encode(String keyword) {
        return URLEncoder.encode(keyword, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
