package io.kefu.stats.dashboard;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.xxl.job.core.context.XxlJobHelper;
import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.config.LiveProperties;
import io.kefu.stats.StatsProperties;
import io.kefu.stats.notify.Notices;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code stats-daily-report} (hourly): once a tenant's day has passed {@code kefu.stats.notify.report-hour},
 * yesterday's figures — the same overview the API and the dashboard show — go to the tenant's admins by
 * email through push-service. Enqueued as remote calls keyed by tenant, day and recipient, so running the
 * job again (or on two instances) sends each report once; push-service is called after the commit, never
 * inside a transaction. common's {@code remote-call-sweep} retries the calls push-service could not take.
 */
@Component
class DailyReports {

    private final Notices notices;
    private final StatsViews views;
    private final LiveProperties<StatsProperties> properties;
    private final Clock clock;
    private final TransactionTemplate tx;

    DailyReports(Notices notices, StatsViews views, LiveProperties<StatsProperties> properties, Clock clock,
            PlatformTransactionManager transactions) {
        this.notices = notices;
        this.views = views;
        this.properties = properties;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactions);
    }

    @XxlJob("stats-daily-report")
    public int sendReports() {
        int enqueued = 0;
        for (UUID tenant : notices.reportingTenants()) {
            ZoneId zone = properties.get().zoneOf(tenant);
            ZonedDateTime now = clock.instant().atZone(zone);
            if (now.getHour() < notices.reportHour()) {
                continue;
            }
            LocalDate yesterday = now.toLocalDate().minusDays(1);
            String text = text(views.overview(new Scope.Range(tenant, zone, yesterday, yesterday)));
            Integer added = tx.execute(status -> notices.report(tenant, yesterday, text));
            enqueued += added == null ? 0 : added;
        }
        XxlJobHelper.log("enqueued " + enqueued + " daily reports");
        return enqueued;
    }

    /** The report's text: every figure of the dictionary, in the dashboard's words. */
    static String text(StatsViews.Overview o) {
        Map<String, StatsViews.Figure> f = o.figures();
        StatsViews.Derived d = o.derived();
        return String.join("\n",
                "Kefu 日报 " + o.from() + "（" + o.zone() + "）",
                "客服：会话 " + count(f, "conversation.opened") + "，人工接待 " + count(f, "handled") + "，首次响应 " + seconds(f, "frt")
                        + "，排队等待 " + seconds(f, "queue.wait") + "，放弃率 " + rate(d.abandonmentRate()) + "，满意度 " + rate(d.csatRate())
                        + "（参评率 " + rate(d.csatResponseRate()) + "）",
                "AI：问题 " + count(f, "ai.question") + "，自动回复 " + count(f, "ai.auto-answered") + "，草稿 " + count(f, "ai.drafted")
                        + "，转人工 " + count(f, "ai.handoff") + "，知识库命中率 " + rate(value(f, "kb.hit")) + "，AI 准确率 "
                        + rate(value(f, "ai.accuracy")) + "，AI 拦截率 " + rate(d.deflection().rate()) + "（待验证 " + d.deflection().pending() + "）",
                "工单：新建 " + count(f, "ticket.opened") + "，解决 " + count(f, "ticket.resolved") + "，SLA 达成率 " + rate(d.slaMet())
                        + "，升级 " + count(f, "ticket.escalated"),
                "推送：发送 " + count(f, "push.sent") + "，成功率 " + rate(d.pushSuccessRate()) + "，平均发送耗时 "
                        + (d.pushAvgSendMillis() == null ? "—" : Math.round(d.pushAvgSendMillis()) + " ms") + "，失败 " + count(f, "push.failed"));
    }

    private static long count(Map<String, StatsViews.Figure> f, String code) {
        StatsViews.Figure figure = f.get(code);
        return figure == null ? 0 : figure.count();
    }

    private static @Nullable Double value(Map<String, StatsViews.Figure> f, String code) {
        StatsViews.Figure figure = f.get(code);
        return figure == null ? null : figure.value();
    }

    private static String seconds(Map<String, StatsViews.Figure> f, String code) {
        Double v = value(f, code);
        return v == null ? "—" : Math.round(v) + " 秒";
    }

    private static String rate(@Nullable Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%.1f%%", v * 100);
    }
}
