package io.kefu.stats.metric;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The metric dictionary: every figure stats-service shows is one of these, stored as measurements
 * (one row per observation: when, a value, whether it was "good", and its agent/group/channel) and
 * summed the same way live and in rollups. README.md lists, per metric, the events that start and
 * stop it. {@code count} = number of rows, {@code total} = sum of values, {@code good} = rows judged good.
 */
public enum Metric {
    CONVERSATION_OPENED("conversation.opened", "会话数", Kind.COUNT, true),
    QUEUE_ENTERED("queue.entered", "进入排队", Kind.COUNT, true),
    QUEUE_WAIT("queue.wait", "排队等待", Kind.AVG_SECONDS, true),
    FIRST_RESPONSE("frt", "首次响应时长", Kind.AVG_SECONDS, true),
    ABANDONED("abandoned", "放弃会话", Kind.COUNT, true),
    RESOLUTION("resolution", "解决时长", Kind.AVG_SECONDS, true),
    HANDLING("handling", "人工处理时长", Kind.AVG_SECONDS, true),
    HANDLED("handled", "人工接待", Kind.COUNT, true),
    CSAT("csat", "满意度", Kind.RATE, true),
    AI_CONVERSATION("ai.conversation", "AI 接待会话", Kind.COUNT, true),
    AI_HANDOFF("ai.handoff", "AI 转人工", Kind.COUNT, true),
    AI_QUESTION("ai.question", "AI 问题数", Kind.COUNT, false),
    AI_AUTO_ANSWERED("ai.auto-answered", "AI 自动回复", Kind.COUNT, false),
    AI_DRAFTED("ai.drafted", "AI 草稿待审", Kind.COUNT, false),
    KB_HIT("kb.hit", "知识库命中率", Kind.RATE, false),
    AI_ACCURACY("ai.accuracy", "AI 准确率", Kind.RATE, false),
    AGENT_ONLINE("agent.online", "在线时长", Kind.SUM_SECONDS, false),
    AGENT_BUSY("agent.busy", "忙碌时长", Kind.SUM_SECONDS, false),
    AGENT_OFFLINE("agent.offline", "离线时长", Kind.SUM_SECONDS, false),
    TICKET_OPENED("ticket.opened", "新建工单", Kind.COUNT, false),
    TICKET_RESOLVED("ticket.resolved", "SLA 达成率", Kind.RATE, false),
    TICKET_ESCALATED("ticket.escalated", "工单升级", Kind.COUNT, false),
    PUSH_SENT("push.sent", "消息发送", Kind.RATE, false),
    PUSH_FAILED("push.failed", "发送失败", Kind.COUNT, false),
    // Business-hours values of the three waits: only for a tenant whose business hours stats knows (auth.tenant.configured.v1).
    QUEUE_WAIT_BUSINESS("queue.wait.business", "排队等待（工作时间）", Kind.AVG_SECONDS, true),
    FIRST_RESPONSE_BUSINESS("frt.business", "首次响应时长（工作时间）", Kind.AVG_SECONDS, true),
    RESOLUTION_BUSINESS("resolution.business", "解决时长（工作时间）", Kind.AVG_SECONDS, true);

    /** How a metric's count/total/good become the figure shown. */
    public enum Kind {
        /** the number of observations */
        COUNT,
        /** total ÷ count, in seconds */
        AVG_SECONDS,
        /** total, in seconds */
        SUM_SECONDS,
        /** good ÷ count */
        RATE
    }

    private final String code;
    private final String label;
    private final Kind kind;
    private final boolean perConversation;

    Metric(String code, String label, Kind kind, boolean perConversation) {
        this.code = code;
        this.label = label;
        this.kind = kind;
        this.perConversation = perConversation;
    }

    public String code() {
        return code;
    }

    public String label() {
        return label;
    }

    public Kind kind() {
        return kind;
    }

    /** Derived from the conversation's row (replaced whenever it changes) rather than keyed by one event. */
    public boolean perConversation() {
        return perConversation;
    }

    public static Optional<Metric> byCode(String code) {
        return Arrays.stream(values()).filter(m -> m.code.equals(code)).findFirst();
    }

    static final Set<String> PER_CONVERSATION = Set.copyOf(Arrays.stream(values()).filter(Metric::perConversation).map(Metric::code).toList());
}
