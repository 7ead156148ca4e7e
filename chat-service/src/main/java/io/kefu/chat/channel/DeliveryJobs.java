package io.kefu.chat.channel;

import com.xxl.job.core.context.XxlJobHelper;
import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.remote.RemoteCalls;
import org.springframework.stereotype.Component;

/**
 * The sweep of chat's remote calls (deliveries to WeChat/WeCom, staff-command answers): makes calls
 * that are due (retries after a backoff, calls whose worker never came), settles claims whose lease
 * ran out with no outcome as lost — never resent — and deletes settled calls past their retention.
 * Safe on several instances at once: every call is claimed by one statement before it is made, and a
 * lapsed claim is settled under a row lock ({@code for update skip locked}).
 */
@Component
class DeliveryJobs {

    private final RemoteCalls remoteCalls;

    DeliveryJobs(RemoteCalls remoteCalls) {
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
