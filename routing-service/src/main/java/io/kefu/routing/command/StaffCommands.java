package io.kefu.routing.command;

import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.kefu.common.event.EventPublisher;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.routing.agent.Agent;
import io.kefu.routing.agent.Agents;
import io.kefu.routing.events.StaffCommandAnswered;
import io.kefu.routing.queue.Conversations;
import io.kefu.routing.queue.Conversations.TransferCommand;
import io.kefu.routing.queue.Route;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Staff commands a WeCom employee writes to the tenant's WeCom app (chat.wecom.staff-message.v1):
 * {@code #转接工程师} hands one of their conversations to the tenant's engineers' group,
 * {@code #问题已解决} ends it as resolved. Either may name the conversation by the first 8 characters
 * of its id (or the whole id) and add a note: {@code #问题已解决 3f2a1b0c 已补发}. Without a number
 * the command applies only when the employee holds exactly one conversation, so that nothing is
 * closed by guesswork. Every command is answered ({@code routing.staff-command.answered.v1}), which
 * chat sends back to the employee in WeCom. Other {@code #} commands (#记录客户, #查询进度) belong
 * to ticket-service and are left alone here.
 */
@Component
public class StaffCommands {

    static final String TRANSFER = "转接工程师";
    static final String RESOLVE = "问题已解决";
    private static final Set<String> OURS = Set.of(TRANSFER, RESOLVE);
    /** {@code #} or the full-width {@code ＃} that Chinese input methods produce, then the command word. */
    private static final Pattern COMMAND = Pattern.compile("^\\s*[#＃]\\s*(" + TRANSFER + "|" + RESOLVE + ")[\\s:：,，]*(.*)$",
            Pattern.DOTALL);
    private static final Pattern REFERENCE = Pattern.compile(
            "(?i)([0-9a-f]{8}(?:-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?)(?=$|[\\s:：,，])[\\s:：,，]*(.*)$", Pattern.DOTALL);
    private static final int LISTED = 10;
    private static final int NOTE_LIMIT = 500;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT);
    private static final Logger log = LoggerFactory.getLogger(StaffCommands.class);

    private final Agents agents;
    private final Conversations conversations;
    private final EventPublisher events;
    private final Clock clock;
    private final ZoneId zone;

    StaffCommands(Agents agents, Conversations conversations, EventPublisher events, Clock clock) {
        this.agents = agents;
        this.conversations = conversations;
        this.events = events;
        this.clock = clock;
        this.zone = ZoneId.of("Asia/Shanghai"); // how the employees read times
    }

    /** What routing needs of chat's staff-message event. */
    public record StaffMessage(String corpId, int agentId, String staffUserId, String msgType, @Nullable String content, String msgId) {
    }

    /** A command, parsed: which one, the conversation it names (if any) and the note after it. */
    record Command(String name, @Nullable String reference, @Nullable String note) {

        static Optional<Command> parse(@Nullable String text) {
            if (text == null) {
                return Optional.empty();
            }
            Matcher command = COMMAND.matcher(text);
            if (!command.matches()) {
                return Optional.empty();
            }
            String rest = command.group(2).strip();
            Matcher reference = REFERENCE.matcher(rest);
            if (reference.matches()) {
                return Optional.of(new Command(command.group(1), reference.group(1).toLowerCase(Locale.ROOT), note(reference.group(2))));
            }
            return Optional.of(new Command(command.group(1), null, note(rest)));
        }

        private static @Nullable String note(String text) {
            String note = text.strip();
            if (note.isEmpty()) {
                return null;
            }
            return note.length() > NOTE_LIMIT ? note.substring(0, NOTE_LIMIT) : note;
        }
    }

    /**
     * Runs the command in the consumer's transaction. Expected refusals are answered, not thrown; a
     * conflict with a concurrent change throws, rolls back and is retried on the state it left.
     */
    @Transactional
    public void onStaffMessage(UUID tenantId, StaffMessage message) {
        if (!"text".equals(message.msgType())) {
            return;
        }
        Optional<Command> parsed = Command.parse(message.content());
        if (parsed.isEmpty() || !OURS.contains(parsed.get().name())) {
            return;
        }
        Command command = parsed.get();
        Optional<Agent> agent = agents.byWecomUser(tenantId, message.staffUserId());
        if (agent.isEmpty()) {
            answer(tenantId, message, null, command, "rejected", "not-bound", null,
                    "您的企业微信账号还没有绑定客服账号，无法执行 #" + command.name() + "。请联系管理员在员工资料中填写企业微信账号。");
            return;
        }
        UUID staffId = agent.get().staffId();
        List<Route> held = conversations.heldBy(staffId);
        Optional<Route> target = target(tenantId, message, staffId, command, held);
        if (target.isEmpty()) {
            return; // answered
        }
        Route route = target.get();
        String number = number(route.conversationId());
        KefuPrincipal by = new KefuPrincipal(staffId, tenantId, "staff", Set.of("agent"));
        if (TRANSFER.equals(command.name())) {
            String group = conversations.engineerGroup(tenantId);
            conversations.transfer(by, new TransferCommand(route.conversationId(), null, group,
                    command.note() == null ? "#" + TRANSFER : "#" + TRANSFER + " " + command.note()));
            answer(tenantId, message, staffId, command, "done", "transferred", route.conversationId(),
                    "已转接工程师：会话 " + number + " 已进入 " + group + " 组的队列，客户会收到转接提示。");
        } else {
            conversations.resolve(by, route.conversationId(), command.note() == null ? "#" + RESOLVE : command.note());
            answer(tenantId, message, staffId, command, "done", "resolved", route.conversationId(),
                    "会话 " + number + " 已结束（问题已解决），客户将收到评价邀请。");
        }
        log.info("WeCom staff command #{} by {} on conversation {}", command.name(), staffId, route.conversationId());
    }

    private Optional<Route> target(UUID tenantId, StaffMessage message, UUID staffId, Command command, List<Route> held) {
        if (command.reference() != null) {
            Optional<Route> named = held.stream().filter(r -> r.conversationId().toString().startsWith(command.reference())).findFirst();
            if (named.isEmpty()) {
                answer(tenantId, message, staffId, command, "rejected", "no-such-conversation", null,
                        "您没有会话号为 " + command.reference() + " 的进行中会话。" + listing(held));
            }
            return named;
        }
        if (held.size() == 1) {
            return Optional.of(held.getFirst());
        }
        if (held.isEmpty()) {
            answer(tenantId, message, staffId, command, "rejected", "no-conversation", null,
                    "您当前没有进行中的会话，#" + command.name() + " 未执行。");
        } else {
            answer(tenantId, message, staffId, command, "rejected", "ambiguous", null,
                    "您有 " + held.size() + " 个进行中的会话，请在指令后写上会话号，例如：#" + command.name() + " "
                            + number(held.getFirst().conversationId()) + "。" + listing(held));
        }
        return Optional.empty();
    }

    private String listing(List<Route> held) {
        if (held.isEmpty()) {
            return "";
        }
        String list = held.stream().limit(LISTED).map(r -> number(r.conversationId()) + "（" + TIME.format(lastActive(r).atZone(zone)) + "）")
                .collect(Collectors.joining("、"));
        return "进行中的会话：" + list + (held.size() > LISTED ? " 等" : "");
    }

    private static java.time.Instant lastActive(Route route) {
        java.time.Instant last = route.assignedAt() == null ? java.time.Instant.EPOCH : route.assignedAt();
        if (route.lastCustomerAt() != null && route.lastCustomerAt().isAfter(last)) {
            last = route.lastCustomerAt();
        }
        if (route.lastAgentAt() != null && route.lastAgentAt().isAfter(last)) {
            last = route.lastAgentAt();
        }
        return last;
    }

    static String number(UUID conversationId) {
        return conversationId.toString().substring(0, 8);
    }

    private void answer(UUID tenantId, StaffMessage message, @Nullable UUID staffId, Command command, String outcome, String code,
            @Nullable UUID conversationId, String text) {
        events.publish(new StaffCommandAnswered(message.corpId(), message.agentId(), message.staffUserId(), staffId, command.name(), outcome,
                code, text, conversationId, message.msgId(), clock.instant()), tenantId.toString(),
                message.corpId() + ":" + message.staffUserId());
    }
}
