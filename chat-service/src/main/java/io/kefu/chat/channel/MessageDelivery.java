package io.kefu.chat.channel;

import java.io.File;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import io.kefu.chat.channel.ChannelDelivery.SentMessage;
import io.kefu.chat.conversation.MessageReceipts;
import io.kefu.chat.upload.StoredFiles;
import io.kefu.common.remote.RemoteCallKind;
import io.kefu.common.remote.RemoteCallOutcome;
import me.chanjar.weixin.common.error.WxError;
import me.chanjar.weixin.common.error.WxErrorException;
import me.chanjar.weixin.common.error.WxRuntimeException;
import me.chanjar.weixin.cp.api.WxCpService;
import me.chanjar.weixin.cp.bean.message.WxCpMessage;
import me.chanjar.weixin.mp.api.WxMpService;
import me.chanjar.weixin.mp.bean.kefu.WxMpKefuMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Sends one outbound message through the customer's WeChat channel (remote-call kind
 * {@code chat.message-delivery}): an Official Account customer-service message, or a WeCom app
 * message paced per member. {@link #call} runs outside any transaction and only reads; the verdict is
 * recorded by {@link #recorded} in the call's outcome transaction — sent, failed (WeChat's code, with
 * {@code chat.message.failed.v1} so push-service can fall back), or lost. A lost outcome is
 * <b>not</b> resent: WeChat's customer-service API has no idempotency key, so a second send would be
 * a second message.
 */
@Component
class MessageDelivery implements RemoteCallKind<SentMessage> {

    private static final Logger log = LoggerFactory.getLogger(MessageDelivery.class);
    /** Worth another try: system busy, token invalid/expired (after WxJava's forced refresh), API frequency. */
    static final Set<Integer> TRANSIENT = Set.of(-1, 40001, 40014, 42001, 45011);
    static final String EXTERNAL_UNSUPPORTED = "wecom-external-unsupported";
    private static final Pattern EXTERNAL_USER_ID = Pattern.compile("w[mo][A-Za-z0-9_-]{20,}");
    private static final Pattern SERVER_ERROR = Pattern.compile("status code: 5\\d\\d");

    private final ChannelAccounts accounts;
    private final MessageReceipts receipts;
    private final ObjectProvider<StoredFiles> files;
    private final WecomPacer pacer;
    private final JdbcTemplate jdbc;

    MessageDelivery(ChannelAccounts accounts, MessageReceipts receipts, ObjectProvider<StoredFiles> files, WecomPacer pacer,
            JdbcTemplate jdbc) {
        this.accounts = accounts;
        this.receipts = receipts;
        this.files = files;
        this.pacer = pacer;
        this.jdbc = jdbc;
    }

    @Override
    public String name() {
        return "chat.message-delivery";
    }

    @Override
    public Class<SentMessage> payloadType() {
        return SentMessage.class;
    }

    @Override
    public RemoteCallOutcome call(SentMessage message, Attempt attempt) {
        Optional<ChannelAccount> account = Optional.ofNullable(message.channelAccountId()).flatMap(accounts::findById)
                .filter(ChannelAccount::enabled);
        if (account.isEmpty() || message.channelUserId() == null) {
            return RemoteCallOutcome.failed("channel-account-missing", "The conversation's channel account is missing or disabled");
        }
        try {
            return account.get().isMp() ? deliverMp(accounts.mpService(account.get().id()), message)
                    : deliverWecom(account.get(), accounts.cpService(account.get().id()), message);
        } catch (WxErrorException e) {
            RemoteCallOutcome outcome = refusal(e);
            if (outcome.status() == RemoteCallOutcome.Status.FAILED) {
                log.info("WeChat refused message {}: {} {}", message.messageId(), outcome.code(), outcome.detail());
            }
            return outcome;
        } catch (WxRuntimeException e) {
            return RemoteCallOutcome.retry("unreachable", "WeChat could not be reached: " + e.getMessage()); // IO errors
        }
    }

    @Override
    public void recorded(SentMessage message, RemoteCallOutcome outcome) {
        switch (outcome.status()) {
            case DONE -> receipts.markSent(message.messageId());
            case FAILED -> receipts.markFailed(message.messageId(), String.valueOf(outcome.code()), String.valueOf(outcome.detail()));
            case UNKNOWN -> receipts.markOutcomeLost(message.messageId(), "WeChat may have received it, but the answer was lost; "
                    + "not sent again so that the customer never gets it twice");
            case RETRY -> throw new IllegalStateException("a retry is not a final outcome");
        }
    }

    /** WeChat's error: another try for the transient codes and for HTTP 5xx, a final failure for the rest. */
    static RemoteCallOutcome refusal(WxErrorException e) {
        int code = e.getError().getErrorCode();
        String reason = reason(e.getError());
        return TRANSIENT.contains(code) || serverError(e.getError()) ? RemoteCallOutcome.retry(String.valueOf(code), reason)
                : RemoteCallOutcome.failed(String.valueOf(code), reason);
    }

    /** WxJava reports an HTTP error status as code -99 with "status code: 503, reason phrase: ..." as its message. */
    static boolean serverError(WxError error) {
        return error.getErrorCode() == -99 && error.getErrorMsg() != null && SERVER_ERROR.matcher(error.getErrorMsg()).find();
    }

    /** WxJava puts its Chinese explanation in errorMsg and WeChat's own errmsg in errorMsgEn: keep both. */
    private static String reason(WxError error) {
        String local = error.getErrorMsg();
        String wechat = error.getErrorMsgEn();
        if (wechat == null || wechat.isBlank() || wechat.equals(local)) {
            return String.valueOf(local);
        }
        return local == null || local.isBlank() ? wechat : local + " (" + wechat + ")";
    }

    // ---- Official Account: customer-service messages (within the 48-hour window) ----

    private RemoteCallOutcome deliverMp(WxMpService mp, SentMessage message) throws WxErrorException {
        String openid = message.channelUserId();
        WxMpKefuMessage out;
        switch (message.type()) {
            case "image", "voice" -> {
                Media media = mediaId(message, message.type(), (type, file) -> mp.getMaterialService().mediaUpload(type, file).getMediaId());
                if (media.refusal() != null) {
                    return media.refusal();
                }
                out = "image".equals(message.type()) ? WxMpKefuMessage.IMAGE().toUser(openid).mediaId(media.id()).build()
                        : WxMpKefuMessage.VOICE().toUser(openid).mediaId(media.id()).build();
            }
            case "text", "system" -> out = WxMpKefuMessage.TEXT().toUser(openid).content(message.content()).build();
            default -> {
                return RemoteCallOutcome.failed("mp-type-unsupported", "An Official Account cannot send messages of type " + message.type());
            }
        }
        mp.getKefuService().sendKefuMessage(out);
        return RemoteCallOutcome.done();
    }

    // ---- WeCom: app messages to members, paced ----

    private RemoteCallOutcome deliverWecom(ChannelAccount account, WxCpService cp, SentMessage message) throws WxErrorException {
        String to = message.channelUserId();
        if (isExternal(account, to)) {
            // An app cannot message an external contact in real time: contact-moment and mass-send tasks wait
            // for the employee to confirm them, and WeCom Customer Service (kf) is a separate account type.
            return RemoteCallOutcome.failed(EXTERNAL_UNSUPPORTED,
                    "A WeCom app cannot reach an external contact in real time; the employee must reply in WeCom");
        }
        WxCpMessage out;
        switch (message.type()) {
            case "image" -> {
                Media media = mediaId(message, "image", (type, file) -> cp.getMediaService().upload(type, file).getMediaId());
                if (media.refusal() != null) {
                    return media.refusal();
                }
                out = WxCpMessage.IMAGE().agentId(account.agentId()).toUser(to).mediaId(media.id()).build();
            }
            case "text", "system" -> out = WxCpMessage.TEXT().agentId(account.agentId()).toUser(to).content(message.content()).build();
            default -> {
                return RemoteCallOutcome.failed("wecom-type-unsupported", "Type " + message.type() + " is not sent to WeCom");
            }
        }
        if (!pacer.tryAcquire(account.corpId(), to)) {
            return RemoteCallOutcome.retry("wecom-paced", "WeCom's per-member message limit for " + to + " is used up");
        }
        cp.getMessageService().send(out);
        return RemoteCallOutcome.done();
    }

    private boolean isExternal(ChannelAccount account, String userId) {
        Integer bound = jdbc.queryForObject("select count(*) from wecom_contact_binding where account_id = ? and external_user_id = ?",
                Integer.class, account.id(), userId);
        return bound != null && bound > 0 || EXTERNAL_USER_ID.matcher(userId).matches();
    }

    // ---- media ----

    @FunctionalInterface
    private interface Upload {
        String upload(String mediaType, File file) throws WxErrorException;
    }

    /** A media id to send, or why there is none. */
    private record Media(@Nullable String id, @Nullable RemoteCallOutcome refusal) {
    }

    /** {@code extra.mediaId} if the sender gave one, else the uploaded file {@code extra.fileId} sent to WeChat. */
    private Media mediaId(SentMessage message, String mediaType, Upload upload) throws WxErrorException {
        JsonNode extra = message.extra();
        String mediaId = extra == null ? null : text(extra.get("mediaId"));
        if (mediaId != null) {
            return new Media(mediaId, null);
        }
        String fileId = extra == null ? null : text(extra.get("fileId"));
        if (fileId == null) {
            return new Media(null, RemoteCallOutcome.failed("media-missing", "An " + mediaType + " message needs extra.mediaId or extra.fileId"));
        }
        StoredFiles stored = files.getIfAvailable();
        if (stored == null) {
            return new Media(null, RemoteCallOutcome.retry("no-file-store", "No file store on this instance yet"));
        }
        Optional<StoredFiles.StoredFile> file;
        try {
            file = stored.find(UUID.fromString(fileId));
        } catch (IllegalArgumentException e) {
            file = Optional.empty();
        }
        if (file.isEmpty()) {
            return new Media(null, RemoteCallOutcome.failed("file-not-found", "File " + fileId + " does not exist"));
        }
        return new Media(upload.upload(mediaType, file.get().path().toFile()), null);
    }

    private static @Nullable String text(@Nullable JsonNode node) {
        return node == null || node.isNull() || node.asString().isBlank() ? null : node.asString();
    }
}
