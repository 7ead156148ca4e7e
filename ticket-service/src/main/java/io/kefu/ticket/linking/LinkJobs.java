package io.kefu.ticket.linking;

import com.xxl.job.core.context.XxlJobHelper;
import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.remote.RemoteCalls;
import org.springframework.stereotype.Component;

/**
 * The sweep of ticket-service's remote calls (linking codes to push-service): makes calls that are due
 * again after a backoff or whose worker never came, makes again those whose outcome was lost (push
 * deduplicates on the Idempotency-Key), deletes settled ones past their retention. Safe on several instances.
 */
@Component
class LinkJobs {

    private final RemoteCalls remoteCalls;

    LinkJobs(RemoteCalls remoteCalls) {
        this.remoteCalls = remoteCalls;
    }

    @XxlJob("remote-call-sweep")
    public RemoteCalls.Swept sweep() {
        RemoteCalls.Swept swept = remoteCalls.sweep();
        XxlJobHelper.log("made {} due calls, settled {} lost outcomes, resent {}, deleted {}", swept.made(), swept.lost(), swept.resent(),
                swept.purged());
        return swept;
    }
}
