package io.kefu.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.testsupport.KefuIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WeCom employees' staff commands (#转接工程师, #问题已解决) arriving as chat's staff-message events on
 * the real exchange: what they change in routing, what they ask of chat, and the answer each gets.
 */
@KefuIntegrationTest(classes = RoutingApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kefu.jobs.local.routing-queue-sweep.cron=", "kefu.jobs.local.routing-inactivity-warning.cron=",
        "kefu.jobs.local.routing-auto-close.cron=", "kefu.jobs.local.routing-inactive-cleanup.cron=",
        "kefu.jobs.local.routing-presence-sweep.cron="})
class StaffCommandsIT extends RoutingItSupport {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final String CORP = "ww0123456789abcdef";

    UUID tenant;
    int port;

    @BeforeEach
    void setUp() {
        tenant = UUID.randomUUID();
        port = environment.getRequiredProperty("local.server.port", Integer.class);
    }

    private UUID agentOnline(String department, String wecomUserId) {
        UUID agent = UUID.randomUUID();
        staffCreated(rabbit, agent, tenant, "agent-" + wecomUserId, department, 5, wecomUserId);
        await("profile of " + agent, WAIT, () -> jdbc.queryForObject("select count(*) from agent where staff_id = ?", Long.class, agent) == 1);
        assertThat(call(port, "PUT", "/api/staff/status", Map.of("status", "online"), staffToken(agent, tenant, "agent")).status())
                .isEqualTo(200);
        return agent;
    }

    private UUID conversationWith(UUID agent) {
        UUID conversation = UUID.randomUUID();
        customerWrote(rabbit, tenant, conversation, UUID.randomUUID(), "路由器一直掉线");
        await("assigned to " + agent, WAIT, () -> agent.equals(agentOf(conversation)));
        return conversation;
    }

    private UUID agentOf(UUID conversation) {
        List<UUID> agents = jdbc.query("select agent_id from route where conversation_id = ?", (rs, i) -> rs.getObject(1, UUID.class),
                conversation);
        return agents.isEmpty() ? null : agents.getFirst();
    }

    private int load(UUID agent) {
        return jdbc.queryForObject("select current_load from agent where staff_id = ?", Integer.class, agent);
    }

    /** The answer routing published for a command message (waits for it). */
    private JsonNode answerTo(String msgId) {
        await("answer to " + msgId, WAIT, () -> !answers(msgId).isEmpty());
        List<JsonNode> answers = answers(msgId);
        assertThat(answers).as("one answer per command").hasSize(1);
        return answers.getFirst();
    }

    private List<JsonNode> answers(String msgId) {
        return jdbc.queryForList("select envelope::text from kefu_outbox where event_type = 'routing.staff-command.answered.v1' "
                + "and envelope->'data'->>'msgId' = ?", String.class, msgId).stream().map(JSON::readTree).map(e -> e.path("data")).toList();
    }

    private JsonNode event(String type, UUID conversation) {
        List<String> envelopes = jdbc.queryForList("select envelope::text from kefu_outbox where event_type = ? and envelope->>'subject' = ?",
                String.class, type, conversation.toString());
        assertThat(envelopes).as(type).hasSize(1);
        return JSON.readTree(envelopes.getFirst()).path("data");
    }

    @Test
    void transferToEngineersMovesTheOnlyConversationToTheEngineersQueueAndAnEngineerTakesIt() {
        UUID agent = agentOnline("default", "zhangsan");
        UUID conversation = conversationWith(agent);

        String msgId = wecomStaffWrote(rabbit, tenant, CORP, "zhangsan", "#转接工程师 客户要求上门检修");

        JsonNode answer = answerTo(msgId);
        assertThat(answer.path("outcome").asString()).isEqualTo("done");
        assertThat(answer.path("code").asString()).isEqualTo("transferred");
        assertThat(answer.path("staffId").asString()).isEqualTo(agent.toString());
        assertThat(answer.path("conversationId").asString()).isEqualTo(conversation.toString());
        assertThat(answer.path("corpId").asString()).isEqualTo(CORP);
        assertThat(answer.path("staffUserId").asString()).isEqualTo("zhangsan");
        assertThat(answer.path("text").asString()).contains(conversation.toString().substring(0, 8)).contains("engineers");
        JsonNode transferred = event("routing.conversation.transferred.v1", conversation);
        assertThat(transferred.path("toGroup").asString()).isEqualTo("engineers");
        assertThat(transferred.path("fromAgentId").asString()).isEqualTo(agent.toString());
        assertThat(transferred.path("byStaffId").asString()).isEqualTo(agent.toString());
        assertThat(transferred.path("reason").asString()).isEqualTo("#转接工程师 客户要求上门检修");
        assertThat(routeStatus(jdbc, conversation)).isEqualTo("waiting");
        assertThat(load(agent)).isZero();

        UUID engineer = agentOnline("engineers", "lisi");
        await("an engineer took it", WAIT, () -> engineer.equals(agentOf(conversation)));
    }

    @Test
    void problemSolvedEndsTheNamedConversationAsResolvedInTheAgentsName() {
        UUID agent = agentOnline("default", "wangwu");
        UUID first = conversationWith(agent);
        UUID second = conversationWith(agent);
        assertThat(load(agent)).isEqualTo(2);

        // full-width ＃ and a colon, as a phone's input method writes them
        String msgId = wecomStaffWrote(rabbit, tenant, CORP, "wangwu", "＃问题已解决：" + second.toString().substring(0, 8) + " 已补发配件");

        JsonNode answer = answerTo(msgId);
        assertThat(answer.path("outcome").asString()).isEqualTo("done");
        assertThat(answer.path("code").asString()).isEqualTo("resolved");
        assertThat(answer.path("conversationId").asString()).isEqualTo(second.toString());
        JsonNode close = event("routing.conversation.close-requested.v1", second);
        assertThat(close.path("reason").asString()).isEqualTo("resolved");
        assertThat(close.path("byStaffId").asString()).isEqualTo(agent.toString());
        assertThat(close.path("comment").asString()).isEqualTo("已补发配件");
        assertThat(routeStatus(jdbc, second)).isEqualTo("closed");
        assertThat(routeStatus(jdbc, first)).isEqualTo("assigned");
        assertThat(load(agent)).isEqualTo(1);
    }

    @Test
    void withSeveralConversationsAndNoNumberNothingHappensAndTheAnswerListsThem() {
        UUID agent = agentOnline("default", "zhaoliu");
        UUID first = conversationWith(agent);
        UUID second = conversationWith(agent);

        String msgId = wecomStaffWrote(rabbit, tenant, CORP, "zhaoliu", "#问题已解决");

        JsonNode answer = answerTo(msgId);
        assertThat(answer.path("outcome").asString()).isEqualTo("rejected");
        assertThat(answer.path("code").asString()).isEqualTo("ambiguous");
        assertThat(answer.path("text").asString()).contains(first.toString().substring(0, 8)).contains(second.toString().substring(0, 8));
        assertThat(routeStatus(jdbc, first)).isEqualTo("assigned");
        assertThat(routeStatus(jdbc, second)).isEqualTo("assigned");
        assertThat(outbox(jdbc, "routing.conversation.close-requested.v1", first)).isZero();
        assertThat(outbox(jdbc, "routing.conversation.close-requested.v1", second)).isZero();
    }

    @Test
    void commandsFromStrangersOrOnOthersConversationsAreRefusedAndChangeNothing() {
        UUID agent = agentOnline("default", "sunqi");
        UUID conversation = conversationWith(agent);
        agentOnline("default", "zhouba");

        JsonNode stranger = answerTo(wecomStaffWrote(rabbit, tenant, CORP, "nobody", "#转接工程师"));
        assertThat(stranger.path("code").asString()).isEqualTo("not-bound");
        assertThat(stranger.path("staffId").isNull() || stranger.path("staffId").isMissingNode()).isTrue();
        // the same userid in another tenant's WeCom is someone else
        JsonNode otherTenant = answerTo(wecomStaffWrote(rabbit, UUID.randomUUID(), CORP, "sunqi", "#问题已解决"));
        assertThat(otherTenant.path("code").asString()).isEqualTo("not-bound");
        JsonNode notTheirs = answerTo(wecomStaffWrote(rabbit, tenant, CORP, "zhouba",
                "#问题已解决 " + conversation.toString().substring(0, 8)));
        assertThat(notTheirs.path("code").asString()).isEqualTo("no-such-conversation");
        JsonNode nothingHeld = answerTo(wecomStaffWrote(rabbit, tenant, CORP, "zhouba", "#转接工程师"));
        assertThat(nothingHeld.path("code").asString()).isEqualTo("no-conversation");

        assertThat(agentOf(conversation)).isEqualTo(agent);
        assertThat(routeStatus(jdbc, conversation)).isEqualTo("assigned");
        assertThat(outbox(jdbc, "routing.conversation.transferred.v1", conversation)).isZero();
        assertThat(outbox(jdbc, "routing.conversation.close-requested.v1", conversation)).isZero();
    }

    @Test
    void ordinaryTextAndOtherServicesCommandsGetNoAnswerFromRouting() {
        UUID agent = agentOnline("default", "wujiu");
        UUID conversation = conversationWith(agent);
        List<String> ids = List.of(wecomStaffWrote(rabbit, tenant, CORP, "wujiu", "今天几点下班？"),
                wecomStaffWrote(rabbit, tenant, CORP, "wujiu", "#查询进度 A-1001"),
                wecomStaffWrote(rabbit, tenant, CORP, "wujiu", "请问 #转接工程师 怎么用"));
        // a command sent after them is answered, so they were consumed (in order, one queue) and ignored
        String last = wecomStaffWrote(rabbit, tenant, CORP, "wujiu", "#转接工程师");
        assertThat(answerTo(last).path("code").asString()).isEqualTo("transferred");
        for (String id : ids) {
            assertThat(answers(id)).as(id).isEmpty();
        }
        assertThat(routeStatus(jdbc, conversation)).isEqualTo("waiting");
    }

    @Test
    void anEngineerWhoHandsOnAConversationDoesNotGetItBackWhileAnotherEngineerIsFree() {
        routingRule("engineers");
        UUID first = agentOnline("engineers", "qianyi");
        UUID conversation = conversationWith(first);
        UUID second = agentOnline("engineers", "qianer");
        // the second engineer's last assignment is now the more recent: by "longest idle" the first one would win
        UUID earlier = conversationWith(second);
        conversationEnded(rabbit, tenant, earlier);
        await("the second engineer is free again", WAIT, () -> load(second) == 0);

        String msgId = wecomStaffWrote(rabbit, tenant, CORP, "qianyi", "#转接工程师 需要上门");

        assertThat(answerTo(msgId).path("code").asString()).isEqualTo("transferred");
        await("the other engineer took it", WAIT, () -> second.equals(agentOf(conversation)));
    }

    private void routingRule(String defaultGroup) {
        Response rule = call(port, "PUT", "/api/queue/rules", Map.of("aiFirst", false, "defaultGroup", defaultGroup, "engineerGroup", "engineers",
                "vipCustomers", List.of()),
                staffToken(UUID.randomUUID(), tenant, "agent", "supervisor", "admin"));
        assertThat(rule.status()).as(rule.body().toString()).isEqualTo(200);
    }
}
