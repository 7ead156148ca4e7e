package io.kefu.chat.channel;

import java.util.Optional;
import java.util.UUID;

import io.kefu.chat.channel.ChannelDelivery.StaffCommandAnswer;
import io.kefu.common.remote.RemoteCallKind;
import io.kefu.common.remote.RemoteCallOutcome;
import me.chanjar.weixin.common.error.WxErrorException;
import me.chanjar.weixin.common.error.WxRuntimeException;
import me.chanjar.weixin.cp.bean.message.WxCpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends routing's answer to a WeCom employee's staff command as an app message (remote-call kind
 * {@code chat.staff-answer}, paced per member). Nothing is recorded in chat's tables: the command
 * itself was carried out by routing; a refusal only means the employee does not hear back. A lost
 * outcome is not resent (WeCom does not deduplicate app messages).
 */
@Component
class StaffAnswerSender implements RemoteCallKind<StaffAnswerSender.Answer> {

    private static final Logger log = LoggerFactory.getLogger(StaffAnswerSender.class);

    /** The payload: the answer and the tenant whose app sends it. */
    record Answer(UUID tenantId, StaffCommandAnswer answer) {
    }

    private final ChannelAccounts accounts;
    private final WecomPacer pacer;

    StaffAnswerSender(ChannelAccounts accounts, WecomPacer pacer) {
        this.accounts = accounts;
        this.pacer = pacer;
    }

    @Override
    public String name() {
        return "chat.staff-answer";
    }

    @Override
    public Class<Answer> payloadType() {
        return Answer.class;
    }

    boolean tenantOwnsApp(String tenantId, StaffCommandAnswer answer) {
        return account(tenantId, answer).isPresent();
    }

    private Optional<ChannelAccount> account(String tenantId, StaffCommandAnswer answer) {
        return accounts.findByCorpAgent(answer.corpId(), answer.agentId()).filter(ChannelAccount::enabled)
                .filter(a -> a.tenantId().toString().equals(tenantId));
    }

    @Override
    public RemoteCallOutcome call(Answer payload, Attempt attempt) {
        StaffCommandAnswer answer = payload.answer();
        Optional<ChannelAccount> account = account(payload.tenantId().toString(), answer);
        if (account.isEmpty()) {
            return RemoteCallOutcome.failed("channel-account-missing", "The WeCom app is gone or disabled");
        }
        if (!pacer.tryAcquire(answer.corpId(), answer.staffUserId())) {
            return RemoteCallOutcome.retry("wecom-paced", "WeCom's per-member message limit for " + answer.staffUserId() + " is used up");
        }
        WxCpMessage out = WxCpMessage.TEXT().agentId(answer.agentId()).toUser(answer.staffUserId()).content(answer.text()).build();
        try {
            accounts.cpService(account.get().id()).getMessageService().send(out);
            return RemoteCallOutcome.done();
        } catch (WxErrorException e) {
            return MessageDelivery.refusal(e);
        } catch (WxRuntimeException e) {
            return RemoteCallOutcome.retry("unreachable", "WeCom could not be reached: " + e.getMessage());
        }
    }

    @Override
    public void recorded(Answer payload, RemoteCallOutcome outcome) {
        if (outcome.status() != RemoteCallOutcome.Status.DONE) {
            log.warn("The answer to staff command {} for {} was not delivered: {} {} {}", payload.answer().msgId(),
                    payload.answer().staffUserId(), outcome.status(), outcome.code(), outcome.detail());
        }
    }
}
