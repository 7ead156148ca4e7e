package io.kefu.push.receipt;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Delivery receipts from SMS providers (Aliyun's SmsReport push, Tencent's status callback): stored in
 * one statement and answered at once with the acknowledgement each provider expects; {@link ReceiptJobs}
 * applies them to the messages later. The answer does not depend on whether the message is known.
 */
@RestController
@RequestMapping("/callback/sms")
@Tag(name = "callbacks")
class ReceiptController {

    static final int MAX_BODY = 256 * 1024;
    private final Receipts receipts;
    private final Clock clock;

    ReceiptController(Receipts receipts, Clock clock) {
        this.receipts = receipts;
        this.clock = clock;
    }

    @Operation(summary = "SMS delivery reports (aliyun or tencent); stored, processed later")
    @PostMapping("/{provider}")
    Map<String, Object> receive(@PathVariable String provider, @RequestBody byte[] body) {
        if (!provider.equals("aliyun") && !provider.equals("tencent")) {
            throw new KefuProblemException(ProblemType.NOT_FOUND, "No SMS provider " + provider);
        }
        if (body.length > MAX_BODY) {
            throw new KefuProblemException(ProblemType.TOO_LARGE, "A receipt is at most " + MAX_BODY + " bytes");
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.indexOf('\0') >= 0) {
            throw new KefuProblemException(ProblemType.MALFORMED, "A receipt has no NUL characters");
        }
        receipts.store(provider, text, clock.instant());
        return provider.equals("aliyun") ? Map.of("code", 0, "msg", "成功") : Map.of("result", 0, "errmsg", "OK");
    }
}
