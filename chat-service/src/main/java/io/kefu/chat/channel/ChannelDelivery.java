package io.kefu.chat.channel;

import java.io.File;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.kefu.chat.conversation.ConversationService;
import io.kefu.chat.upload.StoredFiles;
import io.kefu.common.event.EventEnvelope;
import io.kefu.common.event.EventHandlers;
import me.chanjar.weixin.common.error.WxErrorException;
import me.chanjar.weixin.cp.api.WxCpService;
import me.chanjar.weixin.cp.bean.message.WxCpMessage;
import me.chanjar.weixin.mp.api.WxMpService;
import me.chanjar.weixin.mp.bean.kefu.WxMpKefuMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.Message;
import tools.jackson.databind.JsonNode;

/**
 * Sends staff, AI and system messages out through the customer's WeChat channel: the consumer of
 * chat-service's own {@code chat.message.sent.v1} (group {@code delivery}). WeChat's verdict ends in
 * {@link ConversationService#markSent} or {@link ConversationService#markFailed}; a transient failure
 * throws so that the binder retries (and parks the event in the DLQ in the end).
 */
@Configuration(proxyBeanMethods = false)
class ChannelDelivery {

    private static final Logger log = LoggerFactory.getLogger(ChannelDelivery.class);
    /** Worth another try: system busy, token invalid/expired (after WxJava's forced refresh), API frequency. */
    static final Set<Integer> TRANSIENT = Set.of(-1, 40001, 40014, 42001, 45011);
    static final String EXTERNAL_UNSUPPORTED = "wecom-external-unsupported";
    private static final Pattern EXTERNAL_USER_ID = Pattern.compile("w[mo][A-Za-z0-9_-]{20,}");

    /** The fields of chat.message.sent.v1 this consumer reads (its own record, not the producer's class). */
    record SentMessage(UUID messageId, UUID conversationId, String channel, @Nullable UUID channelAccountId, @Nullable String channelUserId,
            String type, String content, @Nullable JsonNode extra) {
    }

    /** A transient failure: the binder retries the event. */
    static class RetryLater extends RuntimeException {
        RetryLater(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }

    private final ChannelAccounts accounts;
    private final ConversationService conversations;
    private final ObjectProvider<StoredFiles> files;
    private final WecomPacer pacer;
    private final JdbcTemplate jdbc;

    ChannelDelivery(ChannelAccounts accounts, ConversationService conversations, ObjectProvider<StoredFiles> files, WecomPacer pacer,
            JdbcTemplate jdbc) {
        this.accounts = accounts;
        this.conversations = conversations;
        this.files = files;
        this.pacer = pacer;
        this.jdbc = jdbc;
    }

    @Bean
    Consumer<Message<byte[]>> chatDelivery(EventHandlers handlers) {
        return handlers.consumer("delivery").on("chat.message.sent.v1", SentMessage.class, this::deliver).build();
    }

    /** routing's answer to a WeCom employee's staff command (#转接工程师, #问题已解决): back to them as an app message. */
    record StaffCommandAnswer(String corpId, int agentId, String staffUserId, String text, String msgId) {
    }

    @Bean
    Consumer<Message<byte[]>> staffAnswerDelivery(EventHandlers handlers) {
        return handlers.consumer("staff-answers").on("routing.staff-command.answered.v1", StaffCommandAnswer.class, this::answer).build();
    }

    void answer(StaffCommandAnswer answer, EventEnvelope envelope) {
        Optional<ChannelAccount> account = accounts.findByCorpAgent(answer.corpId(), answer.agentId()).filter(ChannelAccount::enabled)
                .filter(a -> a.tenantId().toString().equals(envelope.tenantId()));
        if (account.isEmpty()) {
            log.info("No enabled WeCom app {}/{} to answer staff command {}", answer.corpId(), answer.agentId(), answer.msgId());
            return;
        }
        WxCpMessage out = WxCpMessage.TEXT().agentId(answer.agentId()).toUser(answer.staffUserId()).content(answer.text()).build();
        try {
            if (!pacer.tryAcquire(answer.corpId(), answer.staffUserId())) {
                throw new RetryLater("WeCom's per-member message limit for " + answer.staffUserId() + " is used up; retrying later", null);
            }
            accounts.cpService(account.get().id()).getMessageService().send(out);
        } catch (WxErrorException e) {
            int code = e.getError().getErrorCode();
            if (TRANSIENT.contains(code)) {
                throw new RetryLater("WeCom answered " + code + " " + e.getError().getErrorMsg(), e);
            }
            // Nothing to mark: the command itself was carried out; the employee just does not hear back.
            log.warn("WeCom refused the answer to staff command {} for {}: {} {}", answer.msgId(), answer.staffUserId(), code,
                    reason(e.getError()));
        } catch (me.chanjar.weixin.common.error.WxRuntimeException e) {
            throw new RetryLater("WeCom could not be reached: " + e.getMessage(), e);
        }
    }

    void deliver(SentMessage message, EventEnvelope envelope) {
        if (!"mp".equals(message.channel()) && !"wecom".equals(message.channel())) {
            return; // miniapp and web: pushed over STOMP already
        }
        Optional<ChannelAccount> account = Optional.ofNullable(message.channelAccountId()).flatMap(accounts::findById)
                .filter(ChannelAccount::enabled);
        if (account.isEmpty() || message.channelUserId() == null) {
            conversations.markFailed(message.messageId(), "channel-account-missing",
                    "The conversation's channel account is missing or disabled");
            return;
        }
        try {
            if (account.get().isMp()) {
                deliverMp(accounts.mpService(account.get().id()), message);
            } else {
                deliverWecom(account.get(), accounts.cpService(account.get().id()), message);
            }
        } catch (WxErrorException e) {
            int code = e.getError().getErrorCode();
            if (TRANSIENT.contains(code)) {
                throw new RetryLater("WeChat answered " + code + " " + e.getError().getErrorMsg(), e);
            }
            String reason = reason(e.getError());
            log.info("WeChat refused message {}: {} {}", message.messageId(), code, reason);
            conversations.markFailed(message.messageId(), String.valueOf(code), reason);
        } catch (me.chanjar.weixin.common.error.WxRuntimeException e) {
            throw new RetryLater("WeChat could not be reached: " + e.getMessage(), e); // IO errors
        }
    }

    /** WxJava puts its Chinese explanation in errorMsg and WeChat's own errmsg in errorMsgEn: keep both. */
    private static String reason(me.chanjar.weixin.common.error.WxError error) {
        String local = error.getErrorMsg();
        String wechat = error.getErrorMsgEn();
        if (wechat == null || wechat.isBlank() || wechat.equals(local)) {
            return String.valueOf(local);
        }
        return local == null || local.isBlank() ? wechat : local + " (" + wechat + ")";
    }

    // ---- Official Account: customer-service messages (within the 48-hour window) ----

    private void deliverMp(WxMpService mp, SentMessage message) throws WxErrorException {
        String openid = message.channelUserId();
        WxMpKefuMessage out;
        switch (message.type()) {
            case "image" -> {
                Optional<String> mediaId = mediaId(message, "image", (type, file) -> mp.getMaterialService().mediaUpload(type, file).getMediaId());
                if (mediaId.isEmpty()) {
                    return;
                }
                out = WxMpKefuMessage.IMAGE().toUser(openid).mediaId(mediaId.get()).build();
            }
            case "voice" -> {
                Optional<String> mediaId = mediaId(message, "voice", (type, file) -> mp.getMaterialService().mediaUpload(type, file).getMediaId());
                if (mediaId.isEmpty()) {
                    return;
                }
                out = WxMpKefuMessage.VOICE().toUser(openid).mediaId(mediaId.get()).build();
            }
            case "text", "system" -> out = WxMpKefuMessage.TEXT().toUser(openid).content(message.content()).build();
            default -> {
                conversations.markFailed(message.messageId(), "mp-type-unsupported",
                        "An Official Account cannot send messages of type " + message.type());
                return;
            }
        }
        mp.getKefuService().sendKefuMessage(out);
        conversations.markSent(message.messageId());
    }

    // ---- WeCom: app messages to members, paced ----

    private void deliverWecom(ChannelAccount account, WxCpService cp, SentMessage message) throws WxErrorException {
        String to = message.channelUserId();
        if (isExternal(account, to)) {
            // An app cannot message an external contact in real time: contact-moment and mass-send tasks wait
            // for the employee to confirm them, and WeCom Customer Service (kf) is a separate account type.
            conversations.markFailed(message.messageId(), EXTERNAL_UNSUPPORTED,
                    "A WeCom app cannot reach an external contact in real time; the employee must reply in WeCom");
            return;
        }
        WxCpMessage out;
        switch (message.type()) {
            case "image" -> {
                Optional<String> mediaId = mediaId(message, "image", (type, file) -> cp.getMediaService().upload(type, file).getMediaId());
                if (mediaId.isEmpty()) {
                    return;
                }
                out = WxCpMessage.IMAGE().agentId(account.agentId()).toUser(to).mediaId(mediaId.get()).build();
            }
            case "text", "system" -> out = WxCpMessage.TEXT().agentId(account.agentId()).toUser(to).content(message.content()).build();
            default -> {
                conversations.markFailed(message.messageId(), "wecom-type-unsupported", "Type " + message.type() + " is not sent to WeCom");
                return;
            }
        }
        if (!pacer.tryAcquire(account.corpId(), to)) {
            throw new RetryLater("WeCom's per-member message limit for " + to + " is used up; retrying later", null);
        }
        cp.getMessageService().send(out);
        conversations.markSent(message.messageId());
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

    /** {@code extra.mediaId} if the sender gave one, else the uploaded file {@code extra.fileId} sent to WeChat; empty = marked failed. */
    private Optional<String> mediaId(SentMessage message, String mediaType, Upload upload) throws WxErrorException {
        JsonNode extra = message.extra();
        String mediaId = extra == null ? null : text(extra.get("mediaId"));
        if (mediaId != null) {
            return Optional.of(mediaId);
        }
        String fileId = extra == null ? null : text(extra.get("fileId"));
        if (fileId == null) {
            conversations.markFailed(message.messageId(), "media-missing", "An " + mediaType + " message needs extra.mediaId or extra.fileId");
            return Optional.empty();
        }
        StoredFiles stored = files.getIfAvailable();
        if (stored == null) {
            throw new RetryLater("No file store on this instance yet", null);
        }
        Optional<StoredFiles.StoredFile> file;
        try {
            file = stored.find(UUID.fromString(fileId));
        } catch (IllegalArgumentException e) {
            file = Optional.empty();
        }
        if (file.isEmpty()) {
            conversations.markFailed(message.messageId(), "file-not-found", "File " + fileId + " does not exist");
            return Optional.empty();
        }
        return Optional.of(upload.upload(mediaType, file.get().path().toFile()));
    }

    private static @Nullable String text(@Nullable JsonNode node) {
        return node == null || node.isNull() || node.asString().isBlank() ? null : node.asString();
    }
}
