package io.kefu.chat.channel;

import static io.kefu.chat.channel.CallbackGuard.required;

import java.util.Locale;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.input.CallbackLimiter;
import jakarta.servlet.http.HttpServletRequest;
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
    private final InboundWriter writer;
    private final CallbackLimiter limiter;

    MpCallbackController(ChannelAccounts accounts, CallbackGuard guard, InboundWriter writer,
            CallbackLimiter limiter) {
        this.accounts = accounts;
        this.guard = guard;
        this.writer = writer;
        this.limiter = limiter;
    }

    /** URL verification when the callback is configured: echo {@code echostr} if the signature is ours. */
    @GetMapping
    ResponseEntity<String> verify(@PathVariable String appId, @RequestParam(required = false) @Nullable String signature,
            @RequestParam(required = false) @Nullable String timestamp, @RequestParam(required = false) @Nullable String nonce,
            @RequestParam(required = false) @Nullable String echostr) {
        String token = enabled(appId).secrets().token();
        CallbackGuard.verify(required(signature, "signature"), token, required(timestamp, "timestamp"), required(nonce, "nonce"));
        guard.checkFresh(timestamp);
        if (echostr == null || echostr.isBlank() || echostr.length() > 256) {
            throw new KefuProblemException(ProblemType.MALFORMED, "echostr is missing");
        }
        return text(echostr);
    }

    /**
     * Checked, stored, answered: the account and its secrets come from {@link ChannelAccounts}' cache, each
     * XML document is parsed once, and the fields the row is stored by are read from that parse (WxJava's
     * reading of the whole message is left to the processing).
     */
    @PostMapping
    ResponseEntity<String> receive(@PathVariable String appId, @RequestParam(required = false) @Nullable String signature,
            @RequestParam(required = false) @Nullable String timestamp, @RequestParam(required = false) @Nullable String nonce,
            @RequestParam(name = "encrypt_type", required = false) @Nullable String encryptType,
            @RequestParam(name = "msg_signature", required = false) @Nullable String msgSignature, HttpServletRequest request) {
        ChannelAccounts.Known known = enabled(appId);
        ChannelAccounts.Secrets secrets = known.secrets();
        CallbackGuard.verify(required(signature, "signature"), secrets.token(), required(timestamp, "timestamp"), required(nonce, "nonce"));
        guard.checkFresh(timestamp);
        // Signed by this account: counted against its own ceiling (the gateway limits no callback by address).
        limiter.acquire("mp", appId);
        String body = guard.body(request);
        Element root = CallbackGuard.parse(body);
        String plain;
        Element message;
        if ("aes".equalsIgnoreCase(encryptType)) {
            plain = CallbackGuard.decrypt(root, required(msgSignature, "msg_signature"), timestamp, nonce, secrets.token(), secrets.aesKey(),
                    appId);
            message = CallbackGuard.parse(plain);
        } else if (encryptType == null || encryptType.isBlank() || "raw".equalsIgnoreCase(encryptType)) {
            plain = body;
            message = root;
        } else {
            throw new KefuProblemException(ProblemType.MALFORMED, "encrypt_type must be aes or raw");
        }
        writer.accept(known.account(), received(message, plain));
        return text("success");
    }

    /**
     * What the row is stored by, read from the parsed message as WxJava's {@code WxMpXmlMessage} reads
     * it: FromUserName, MsgType and CreateTime required; the MsgId dedupes a message, FromUserName and
     * CreateTime an event (events have no MsgId).
     */
    static InboundRows.Received received(Element message, String plain) {
        String fromUser = CallbackGuard.child(message, "FromUserName");
        String type = CallbackGuard.child(message, "MsgType");
        Long createTime = CallbackGuard.number(message, "CreateTime");
        Long msgId = CallbackGuard.number(message, "MsgId");
        if (blank(fromUser) || blank(type) || createTime == null) {
            throw new KefuProblemException(ProblemType.MALFORMED, "A message has FromUserName, MsgType and CreateTime");
        }
        String msgType = type.toLowerCase(Locale.ROOT);
        boolean event = "event".equals(msgType);
        String dedupeKey = !event && msgId != null ? msgId.toString() : fromUser + ":" + createTime;
        return new InboundRows.Received(dedupeKey, msgType, event ? CallbackGuard.child(message, "Event") : null,
                event ? CallbackGuard.child(message, "EventKey") : null, fromUser, plain);
    }

    private ChannelAccounts.Known enabled(String appId) {
        return accounts.cachedByAppId(appId).filter(known -> known.account().enabled())
                .orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No Official Account " + appId + " here"));
    }

    static boolean blank(@Nullable String value) {
        return value == null || value.isBlank();
    }

    static ResponseEntity<String> text(String body) {
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(body);
    }
}
