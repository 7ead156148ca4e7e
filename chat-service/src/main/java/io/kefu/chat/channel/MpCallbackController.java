package io.kefu.chat.channel;

import static io.kefu.chat.channel.CallbackGuard.required;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.input.CallbackLimiter;
import jakarta.servlet.http.HttpServletRequest;
import me.chanjar.weixin.mp.bean.message.WxMpXmlMessage;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.w3c.dom.Element;

/**
 * Official Account callbacks (public: WeChat signs them instead). A message is stored and answered
 * with {@code success} at once — WeChat gives up after 5 s and retries — and processed afterwards.
 */
@RestController
@RequestMapping("/callback/mp/{appId}")
class MpCallbackController {

    private final ChannelAccounts accounts;
    private final CallbackGuard guard;
    private final InboundRows rows;
    private final InboundProcessor processor;
    private final CallbackLimiter limiter;

    MpCallbackController(ChannelAccounts accounts, CallbackGuard guard, InboundRows rows, InboundProcessor processor,
            CallbackLimiter limiter) {
        this.accounts = accounts;
        this.guard = guard;
        this.rows = rows;
        this.processor = processor;
        this.limiter = limiter;
    }

    /** URL verification when the callback is configured: echo {@code echostr} if the signature is ours. */
    @GetMapping
    ResponseEntity<String> verify(@PathVariable String appId, @RequestParam(required = false) @Nullable String signature,
            @RequestParam(required = false) @Nullable String timestamp, @RequestParam(required = false) @Nullable String nonce,
            @RequestParam(required = false) @Nullable String echostr) {
        ChannelAccount account = enabled(appId);
        String token = accounts.secrets(account.id()).token();
        CallbackGuard.verify(required(signature, "signature"), token, required(timestamp, "timestamp"), required(nonce, "nonce"));
        guard.checkFresh(timestamp);
        if (echostr == null || echostr.isBlank() || echostr.length() > 256) {
            throw new KefuProblemException(ProblemType.MALFORMED, "echostr is missing");
        }
        return text(echostr);
    }

    @PostMapping
    ResponseEntity<String> receive(@PathVariable String appId, @RequestParam(required = false) @Nullable String signature,
            @RequestParam(required = false) @Nullable String timestamp, @RequestParam(required = false) @Nullable String nonce,
            @RequestParam(name = "encrypt_type", required = false) @Nullable String encryptType,
            @RequestParam(name = "msg_signature", required = false) @Nullable String msgSignature, HttpServletRequest request) {
        ChannelAccount account = enabled(appId);
        ChannelAccounts.Secrets secrets = accounts.secrets(account.id());
        CallbackGuard.verify(required(signature, "signature"), secrets.token(), required(timestamp, "timestamp"), required(nonce, "nonce"));
        guard.checkFresh(timestamp);
        // Signed by this account: counted against its own ceiling (the gateway limits no callback by address).
        limiter.acquire("mp", appId);
        String body = guard.body(request);
        Element root = CallbackGuard.parse(body);
        String plain;
        if ("aes".equalsIgnoreCase(encryptType)) {
            plain = CallbackGuard.decrypt(root, required(msgSignature, "msg_signature"), timestamp, nonce, secrets.token(), secrets.aesKey(),
                    appId);
            CallbackGuard.parse(plain);
        } else if (encryptType == null || encryptType.isBlank() || "raw".equalsIgnoreCase(encryptType)) {
            plain = body;
        } else {
            throw new KefuProblemException(ProblemType.MALFORMED, "encrypt_type must be aes or raw");
        }
        WxMpXmlMessage message = read(plain);
        String msgType = message.getMsgType().toLowerCase(java.util.Locale.ROOT);
        boolean event = "event".equals(msgType);
        String dedupeKey = !event && message.getMsgId() != null ? message.getMsgId().toString()
                : message.getFromUser() + ":" + message.getCreateTime();
        rows.store(account, new InboundRows.Received(dedupeKey, msgType, event ? message.getEvent() : null,
                event ? message.getEventKey() : null, message.getFromUser(), plain)).ifPresent(processor::processLater);
        return text("success");
    }

    private static WxMpXmlMessage read(String plain) {
        WxMpXmlMessage message;
        try {
            message = WxMpXmlMessage.fromXml(plain);
        } catch (RuntimeException e) {
            throw new KefuProblemException(ProblemType.MALFORMED, "The message cannot be read");
        }
        if (message == null || blank(message.getFromUser()) || blank(message.getMsgType()) || message.getCreateTime() == null) {
            throw new KefuProblemException(ProblemType.MALFORMED, "A message has FromUserName, MsgType and CreateTime");
        }
        return message;
    }

    private ChannelAccount enabled(String appId) {
        return accounts.findByAppId(appId).filter(ChannelAccount::enabled)
                .orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No Official Account " + appId + " here"));
    }

    static boolean blank(@Nullable String value) {
        return value == null || value.isBlank();
    }

    static ResponseEntity<String> text(String body) {
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(body);
    }
}
