package io.kefu.ticket.command;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.kefu.common.event.EventPublisher;
import io.kefu.ticket.binding.StaffDirectory;
import io.kefu.ticket.binding.StaffDirectory.Member;
import io.kefu.ticket.events.StaffCommandAnswered;
import io.kefu.ticket.project.Projects;
import io.kefu.ticket.project.Projects.ProjectSummary;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The staff commands of seed 003 that belong to ticket-service, written by a WeCom employee to the
 * tenant's WeCom app (chat.wecom.staff-message.v1): {@code #记录客户 <name> <phone> <need>} records a
 * presale project they own; {@code #查询进度 [name or phone]} reports the stage and open tickets of
 * their projects. Every command is answered ({@code ticket.staff-command.answered.v1}), a bad or
 * ambiguous one with what was wrong; {@code #转接工程师} and {@code #问题已解决} are routing's and are
 * left alone here.
 */
@Component
public class StaffCommands {

    static final String RECORD = "记录客户";
    static final String PROGRESS = "查询进度";
    private static final Pattern COMMAND = Pattern.compile("^\\s*[#＃]\\s*(" + RECORD + "|" + PROGRESS + ")(?:[\\s:：,，]+(.*))?$",
            Pattern.DOTALL);
    private static final Pattern SPACES = Pattern.compile("[\\s,，]+");
    private static final int LISTED = 5;
    private static final Logger log = LoggerFactory.getLogger(StaffCommands.class);

    private final StaffDirectory staff;
    private final Projects projects;
    private final EventPublisher events;
    private final Clock clock;

    StaffCommands(StaffDirectory staff, Projects projects, EventPublisher events, Clock clock) {
        this.staff = staff;
        this.projects = projects;
        this.events = events;
        this.clock = clock;
    }

    /** What ticket-service needs of chat's staff-message event. */
    public record StaffMessage(String corpId, int agentId, String staffUserId, String msgType, @Nullable String content, String msgId) {
    }

    /** A command, parsed: its name and what follows it (stripped; null when nothing). */
    record Command(String name, @Nullable String rest) {

        static Optional<Command> parse(@Nullable String text) {
            if (text == null) {
                return Optional.empty();
            }
            Matcher m = COMMAND.matcher(text);
            if (!m.matches()) {
                return Optional.empty();
            }
            String rest = m.group(2) == null ? null : m.group(2).strip();
            return Optional.of(new Command(m.group(1), rest == null || rest.isEmpty() ? null : rest));
        }
    }

    /** #记录客户's three parts: the name, the phone, and the need (the rest, may contain spaces). */
    record Record(String name, String phone, String need) {

        static Optional<Record> parse(@Nullable String rest) {
            if (rest == null) {
                return Optional.empty();
            }
            String[] parts = SPACES.split(rest, 3);
            if (parts.length < 3 || parts[2].isBlank()) {
                return Optional.empty();
            }
            return Optional.of(new Record(parts[0], parts[1], parts[2].strip()));
        }
    }

    @Transactional
    public void onStaffMessage(UUID tenantId, StaffMessage message) {
        if (!"text".equals(message.msgType())) {
            return;
        }
        Optional<Command> parsed = Command.parse(message.content());
        if (parsed.isEmpty()) {
            return;
        }
        Command command = parsed.get();
        Optional<Member> member = staff.byWecomUser(tenantId, message.staffUserId());
        if (member.isEmpty()) {
            answer(tenantId, message, null, command, "rejected", "not-bound", null,
                    "您的企业微信账号还没有绑定员工账号，无法执行 #" + command.name() + "。请联系管理员在员工资料中填写企业微信账号。");
            return;
        }
        if (RECORD.equals(command.name())) {
            record(tenantId, message, member.get(), command);
        } else {
            progress(tenantId, message, member.get(), command);
        }
    }

    private void record(UUID tenantId, StaffMessage message, Member member, Command command) {
        Optional<Record> parsed = Record.parse(command.rest());
        if (parsed.isEmpty()) {
            answer(tenantId, message, member.id(), command, "rejected", "bad-format", null,
                    "格式不对：#记录客户 <客户名称> <手机号> <需求>，例如：#记录客户 张三 13800138000 需要20个端口的客服系统");
            return;
        }
        Record r = parsed.get();
        if (r.name().length() > 50) {
            answer(tenantId, message, member.id(), command, "rejected", "bad-format", null, "客户名称太长（最多 50 个字）。");
            return;
        }
        if (!Projects.PHONE.matcher(r.phone()).matches()) {
            answer(tenantId, message, member.id(), command, "rejected", "bad-phone", null,
                    "「" + abbreviate(r.phone()) + "」不是手机号。格式：#记录客户 <客户名称> <手机号> <需求>");
            return;
        }
        List<ProjectSummary> existing = projects.ownedBy(tenantId, member.id(), r.phone(), 10).stream()
                .filter(p -> p.phone().equals(r.phone()) && "presale".equals(p.stage())).toList();
        if (!existing.isEmpty()) {
            ProjectSummary p = existing.getFirst();
            answer(tenantId, message, member.id(), command, "rejected", "already-recorded", p.id(),
                    "客户 " + p.customerName() + "（" + p.phone() + "）已有售前项目 " + number(p.id()) + "，未重复创建。");
            return;
        }
        String need = r.need().length() > 1000 ? r.need().substring(0, 1000) : r.need();
        UUID id = projects.record(tenantId, member.id(), member.name(), r.name(), r.phone(), need);
        answer(tenantId, message, member.id(), command, "done", "recorded", id,
                "已记录客户 " + r.name() + "（" + r.phone() + "），售前项目 " + number(id) + " 已创建。需求：" + abbreviate(need));
        log.info("WeCom #记录客户 by {}: project {}", member.id(), id);
    }

    private void progress(UUID tenantId, StaffMessage message, Member member, Command command) {
        String query = command.rest() == null ? null : command.rest().length() > 50 ? command.rest().substring(0, 50) : command.rest();
        List<ProjectSummary> found = projects.ownedBy(tenantId, member.id(), query, LISTED + 1);
        if (found.isEmpty()) {
            answer(tenantId, message, member.id(), command, "rejected", "not-found", null, query == null
                    ? "您还没有项目。用 #记录客户 <客户名称> <手机号> <需求> 记录一个。"
                    : "没有找到您名下与「" + abbreviate(query) + "」匹配的客户项目（按客户名称或手机号查）。");
            return;
        }
        List<ProjectSummary> exact = query == null ? found : found.stream().filter(p -> p.phone().equals(query) || p.customerName().equals(query))
                .toList();
        if (exact.size() == 1 || found.size() == 1) {
            ProjectSummary p = exact.size() == 1 ? exact.getFirst() : found.getFirst();
            List<String> open = projects.openTicketTitles(tenantId, p.id(), 3);
            answer(tenantId, message, member.id(), command, "done", "progress", p.id(),
                    "客户 " + p.customerName() + "（" + p.phone() + "）项目 " + number(p.id()) + "：当前阶段 " + p.stageLabel()
                            + "。未解决工单 " + p.openTickets() + " 个" + (open.isEmpty() ? "。" : "：" + String.join("、", open) + "。"));
            return;
        }
        String list = found.stream().limit(LISTED).map(p -> p.customerName() + " " + p.phone() + "（" + p.stageLabel() + "）")
                .collect(Collectors.joining("；"));
        answer(tenantId, message, member.id(), command, "rejected", "ambiguous", null,
                (query == null ? "您有多个项目" : "「" + abbreviate(query) + "」匹配到多个项目") + "，请写上客户名称或手机号，例如：#查询进度 "
                        + found.getFirst().phone() + "。" + list + (found.size() > LISTED ? " 等" : ""));
    }

    static String number(UUID id) {
        return id.toString().substring(0, 8);
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    private void answer(UUID tenantId, StaffMessage message, @Nullable UUID staffId, Command command, String outcome, String code,
            @Nullable UUID projectId, String text) {
        events.publish(new StaffCommandAnswered(message.corpId(), message.agentId(), message.staffUserId(), staffId, command.name(), outcome,
                code, text, projectId, message.msgId(), clock.instant()), tenantId.toString(), message.corpId() + ":" + message.staffUserId());
    }
}
