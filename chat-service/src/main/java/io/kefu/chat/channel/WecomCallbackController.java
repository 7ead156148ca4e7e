package io.kefu.chat.channel;

import static io.kefu.chat.channel.CallbackGuard.required;

import java.util.Locale;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.input.CallbackLimiter;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.w3c.dom.Element;

/**
 * WeCom app callbacks: always encrypted, signed with {@code msg_signature}. Employees' messages,
 * external contacts' messages and contact events are stored, answered at once and processed later.
 */
@RestController
@RequestMapping("/callback/wecom/{corpId}/{agentId}")
class WecomCallbackController {

    private final ChannelAccounts accounts;
    private final CallbackGuard guard;
    private final InboundWriter writer;
    private final CallbackLimiter limiter;

    WecomCallbackController(ChannelAccounts accounts, CallbackGuard guard, InboundWriter writer,
            CallbackLimiter limiter) {
        this.accounts = accounts;
        this.guard = guard;
        this.writer = writer;
        this.limiter = limiter;
    }

    /** URL verification: {@code echostr} is encrypted; answer its plain text. */
    @GetMapping
    ResponseEntity<String> verify(@PathVariable String corpId, @PathVariable String agentId,
            @RequestParam(name = "msg_signature", required = false) @Nullable String msgSignature,
            @RequestParam(required = false) @Nullable String timestamp, @RequestParam(required = false) @Nullable String nonce,
            @RequestParam(required = false) @Nullable String echostr) {
        ChannelAccounts.Secrets secrets = enabled(corpId, agentId).secrets();
        String signature = required(msgSignature, "msg_signature");
        if (echostr == null || echostr.isBlank()) {
            throw new KefuProblemException(ProblemType.MALFORMED, "echostr is missing");
        }
        CallbackGuard.verify(signature, secrets.token(), required(timestamp, "timestamp"), required(nonce, "nonce"), echostr);
        guard.checkFresh(timestamp);
        return MpCallbackController.text(CallbackGuard.decrypt(echostr, secrets.token(), secrets.aesKey(), corpId));
    }

    /** As the Official Account's: the cached account, each document parsed once, the row's fields read from that parse. */
    @PostMapping
    ResponseEntity<String> receive(@PathVariable String corpId, @PathVariable String agentId,
            @RequestParam(name = "msg_signature", required = false) @Nullable String msgSignature,
            @RequestParam(required = false) @Nullable String timestamp, @RequestParam(required = false) @Nullable String nonce,
            HttpServletRequest request) {
        ChannelAccounts.Known known = enabled(corpId, agentId);
        ChannelAccounts.Secrets secrets = known.secrets();
        String signature = required(msgSignature, "msg_signature");
        required(timestamp, "timestamp");
        required(nonce, "nonce");
        guard.checkFresh(timestamp);
        String plain = CallbackGuard.decrypt(CallbackGuard.parse(guard.body(request)), signature, timestamp, nonce, secrets.token(),
                secrets.aesKey(), corpId);
        // Signed by this app (checked in decrypt): counted against its corp's ceiling, never by address.
        limiter.acquire("wecom", corpId);
        writer.accept(known.account(), received(CallbackGuard.parse(plain), plain));
        return MpCallbackController.text("success");
    }

    /**
     * What the row is stored by, read from the parsed message as WxJava's {@code WxCpXmlMessage} reads it.
     * A contact event's key also carries ChangeType, ExternalUserID and UserID: all of them come from
     * "sys", and two in one second differ only by these.
     */
    static InboundRows.Received received(Element message, String plain) {
        String fromUser = CallbackGuard.child(message, "FromUserName");
        String type = CallbackGuard.child(message, "MsgType");
        Long createTime = CallbackGuard.number(message, "CreateTime");
        Long msgId = CallbackGuard.number(message, "MsgId");
        if (MpCallbackController.blank(fromUser) || MpCallbackController.blank(type) || createTime == null) {
            throw new KefuProblemException(ProblemType.MALFORMED, "A message has FromUserName, MsgType and CreateTime");
        }
        String msgType = type.toLowerCase(Locale.ROOT);
        boolean event = "event".equals(msgType);
        String eventName = CallbackGuard.child(message, "Event");
        String changeType = CallbackGuard.child(message, "ChangeType");
        String dedupeKey;
        if (!event && msgId != null) {
            dedupeKey = msgId.toString();
        } else {
            dedupeKey = fromUser + ":" + createTime;
            if ("change_external_contact".equals(eventName)) {
                dedupeKey += ":" + changeType + ":" + CallbackGuard.child(message, "ExternalUserID") + ":" + CallbackGuard.child(message, "UserID");
            }
        }
        return new InboundRows.Received(dedupeKey, msgType, event ? eventName : null, event ? changeType : null, fromUser, plain);
    }

    private ChannelAccounts.Known enabled(String corpId, String agentId) {
        int agent;
        try {
            agent = Integer.parseInt(agentId);
        } catch (NumberFormatException e) {
            throw notFound(corpId, agentId);
        }
        return accounts.cachedByCorpAgent(corpId, agent).filter(known -> known.account().enabled()).orElseThrow(() -> notFound(corpId, agentId));
    }

    private static KefuProblemException notFound(String corpId, String agentId) {
        return new KefuProblemException(ProblemType.NOT_FOUND, "No WeCom app " + corpId + "/" + agentId + " here");
    }
}
