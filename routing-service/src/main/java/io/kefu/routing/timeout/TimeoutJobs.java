package io.kefu.routing.timeout;

import java.time.Clock;
import java.time.Instant;

import com.xxl.job.core.context.XxlJobHelper;
import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.config.LiveProperties;
import io.kefu.routing.agent.Agent;
import io.kefu.routing.agent.AgentStatus;
import io.kefu.routing.agent.Agents;
import io.kefu.routing.queue.Assignment;
import io.kefu.routing.queue.Conversations;
import io.kefu.routing.queue.Route;
import org.springframework.stereotype.Component;

/**
 * The seed's four scheduled tasks (process the queue, warn before timeout, auto-close timed-out chats,
 * clean up long-inactive ones) plus the presence grace period. Every change is a conditional update
 * that only the first run can make, so a handler is idempotent and two instances running it at once
 * (XXL-JOB broadcast, or a retried tick) cannot warn or close twice.
 */
@Component
class TimeoutJobs {

    private final Conversations conversations;
    private final Assignment assignment;
    private final Agents agents;
    private final LiveProperties<TimeoutProperties> properties;
    private final Clock clock;

    TimeoutJobs(Conversations conversations, Assignment assignment, Agents agents, LiveProperties<TimeoutProperties> properties,
            Clock clock) {
        this.conversations = conversations;
        this.assignment = assignment;
        this.agents = agents;
        this.properties = properties;
        this.clock = clock;
    }

    @XxlJob("routing-queue-sweep")
    public int queueSweep() {
        int assigned = assignment.sweep();
        XxlJobHelper.log("assigned " + assigned);
        return assigned;
    }

    /** Customers who left the agent's (or AI's) last message unanswered for warnAfter are warned once. */
    @XxlJob("routing-inactivity-warning")
    public int inactivityWarning() {
        TimeoutProperties p = properties.get();
        long closesIn = Math.max(0, p.closeAfter().minus(p.warnAfter()).toSeconds());
        int warned = 0;
        for (Route route : conversations.quietSince(clock.instant().minus(p.warnAfter()), false, p.batchSize())) {
            warned += conversations.warn(route, closesIn) ? 1 : 0;
        }
        XxlJobHelper.log("warned " + warned);
        return warned;
    }

    /** Warned customers still silent at closeAfter: the conversation closes with ended_reason=timeout. */
    @XxlJob("routing-auto-close")
    public int autoClose() {
        TimeoutProperties p = properties.get();
        int closed = 0;
        for (Route route : conversations.quietSince(clock.instant().minus(p.closeAfter()), true, p.batchSize())) {
            closed += conversations.requestClose(route, "timeout", "no reply for " + p.closeAfter().toSeconds() + " s") ? 1 : 0;
        }
        XxlJobHelper.log("closed " + closed);
        return closed;
    }

    /** Conversations with no message at all for cleanupAfter (stuck anywhere) close as inactive. */
    @XxlJob("routing-inactive-cleanup")
    public int inactiveCleanup() {
        TimeoutProperties p = properties.get();
        int closed = 0;
        for (Route route : conversations.staleSince(clock.instant().minus(p.cleanupAfter()), p.batchSize())) {
            closed += conversations.requestClose(route, "inactive", "no activity for " + p.cleanupAfter().toSeconds() + " s") ? 1 : 0;
        }
        XxlJobHelper.log("cleaned " + closed);
        return closed;
    }

    /** Agents whose last WebSocket closed more than presenceGrace ago go offline (and hand back waiting customers). */
    @XxlJob("routing-presence-sweep")
    public int presenceSweep() {
        int offline = 0;
        Instant before = clock.instant().minus(properties.get().presenceGrace());
        for (Agent agent : agents.disconnectedSince(before)) {
            agents.changeStatus(agent.staffId(), AgentStatus.OFFLINE, "disconnected");
            offline++;
        }
        XxlJobHelper.log("offline " + offline);
        return offline;
    }
}
