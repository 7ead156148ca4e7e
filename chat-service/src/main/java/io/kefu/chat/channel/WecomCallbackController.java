package io.kefu.chat.channel;

import static io.kefu.chat.channel.CallbackGuard.required;

import java.util.Locale;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.input.CallbackLimiter;
import jakarta.servlet.http.HttpServletRequest;
import me.chanjar.weixin.cp.bean.message.WxCpXmlMessage;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * WeCom app callbacks: always encrypted, signed with {@code msg_signature}. Employees' messages,
 * external contacts' messages and contact events are stored, answered at once and processed later.
 */
@RestController
@RequestMapping("/callback/wecom/{corpId}/{agentId}")
class WecomCallbackController {

    private final ChannelAccounts accounts;
    private final CallbackGuard guard;
    private final InboundRows rows;
    private final InboundProcessor processor;
    private final CallbackLimiter limiter;

    WecomCallbackController(ChannelAccounts accounts, CallbackGuard guard, InboundRows rows, InboundProcessor processor,
            CallbackLimiter limiter) {
        this.accounts = accounts;
        this.guard = guard;
        this.rows = rows;
        this.processor = processor;
        this.limiter = limiter;
    }

    /** URL verification: {@code echostr} is encrypted; answer its plain text. */
    @GetMapping
    ResponseEntity<String> verify(@PathVariable String corpId, @PathVariable String agentId,
            @RequestParam(name = "msg_signature", required = false) @Nullable String msgSignature,
            @RequestParam(required = false) @Nullable String timestamp, @RequestParam(required = false) @Nullable String nonce,
            @RequestParam(required = false) @Nullable String echostr) {
        ChannelAccount account = enabled(corpId, agentId);
        ChannelAccounts.Secrets secrets = accounts.secrets(account.id());
        String signature = required(msgSignature, "msg_signature");
        if (echostr == null || echostr.isBlank()) {
            throw new KefuProblemException(ProblemType.MALFORMED, "echostr is missing");
        }
        CallbackGuard.verify(signature, secrets.token(), required(timestamp, "timestamp"), required(nonce, "nonce"), echostr);
        guard.checkFresh(timestamp);
        return MpCallbackController.text(CallbackGuard.decrypt(echostr, secrets.token(), secrets.aesKey(), corpId));
    }

    @PostMapping
    ResponseEntity<String> receive(@PathVariable String corpId, @PathVariable String agentId,
            @RequestParam(name = "msg_signature", required = false) @Nullable String msgSignature,
            @RequestParam(required = false) @Nullable String timestamp, @RequestParam(required = false) @Nullable String nonce,
            HttpServletRequest request) {
        ChannelAccount account = enabled(corpId, agentId);
        ChannelAccounts.Secrets secrets = accounts.secrets(account.id());
        String signature = required(msgSignature, "msg_signature");
        required(timestamp, "timestamp");
        required(nonce, "nonce");
        guard.checkFresh(timestamp);
        String plain = CallbackGuard.decrypt(CallbackGuard.parse(guard.body(request)), signature, timestamp, nonce, secrets.token(),
                secrets.aesKey(), corpId);
        // Signed by this app (checked in decrypt): counted against its corp's ceiling, never by address.
        limiter.acquire("wecom", corpId);
        CallbackGuard.parse(plain);
        WxCpXmlMessage message;
        try {
            message = WxCpXmlMessage.fromXml(plain, String.valueOf(account.agentId()));
        } catch (RuntimeException e) {
            throw new KefuProblemException(ProblemType.MALFORMED, "The message cannot be read");
        }
        if (message == null || MpCallbackController.blank(message.getFromUserName()) || MpCallbackController.blank(message.getMsgType())
                || message.getCreateTime() == null) {
            throw new KefuProblemException(ProblemType.MALFORMED, "A message has FromUserName, MsgType and CreateTime");
        }
        String msgType = message.getMsgType().toLowerCase(Locale.ROOT);
        boolean event = "event".equals(msgType);
        String dedupeKey;
        if (!event && message.getMsgId() != null) {
            dedupeKey = message.getMsgId().toString();
        } else {
            dedupeKey = message.getFromUserName() + ":" + message.getCreateTime();
            if ("change_external_contact".equals(message.getEvent())) {
                // All contact events come from "sys": two in one second differ only by these.
                dedupeKey += ":" + message.getChangeType() + ":" + message.getExternalUserId() + ":" + message.getUserId();
            }
        }
        rows.store(account, new InboundRows.Received(dedupeKey, msgType, event ? message.getEvent() : null,
                event ? message.getChangeType() : null, message.getFromUserName(), plain)).ifPresent(processor::processLater);
        return MpCallbackController.text("success");
    }

    private ChannelAccount enabled(String corpId, String agentId) {
        int agent;
        try {
            agent = Integer.parseInt(agentId);
        } catch (NumberFormatException e) {
            throw notFound(corpId, agentId);
        }
        return accounts.findByCorpAgent(corpId, agent).filter(ChannelAccount::enabled).orElseThrow(() -> notFound(corpId, agentId));
    }

    private static KefuProblemException notFound(String corpId, String agentId) {
        return new KefuProblemException(ProblemType.NOT_FOUND, "No WeCom app " + corpId + "/" + agentId + " here");
    }
}
