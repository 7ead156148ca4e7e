package io.kefu.chat.channel;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

import io.kefu.chat.channel.InboundRows.Inbound;
import io.kefu.chat.conversation.Channel;
import io.kefu.chat.conversation.MessageSending;
import io.kefu.chat.conversation.InboundMessage;
import io.kefu.chat.conversation.MessageType;
import io.kefu.chat.conversation.MessageView;
import io.kefu.chat.conversation.Source;
import io.kefu.chat.events.WecomContactAdded;
import io.kefu.chat.events.WecomStaffMessage;
import io.kefu.chat.identity.CustomerIdentities;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.event.EventJson;
import io.kefu.common.event.EventPublisher;
import me.chanjar.weixin.cp.bean.message.WxCpXmlMessage;
import me.chanjar.weixin.mp.bean.message.WxMpXmlMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a stored callback into its effect, after WeChat has been answered: a customer message
 * (through {@link MessageSending#acceptInbound}, idempotent on the dedupe key), a WeCom contact
 * binding, a staff-message event, or just the record of an event. Whoever processes a row holds it
 * by a lease; a failure (auth-service down...) leaves it pending for {@link InboundRetryJob}.
 */
@Component
class InboundProcessor {

    private static final Logger log = LoggerFactory.getLogger(InboundProcessor.class);
    /** WeCom external userids: "wm" (WeChat users) or "wo" (WeCom users of other companies) and a long opaque id. */
    private static final Pattern EXTERNAL_USER_ID = Pattern.compile("w[mo][A-Za-z0-9_-]{20,}");

    private final InboundRows rows;
    private final ChannelAccounts accounts;
    private final CustomerIdentities identities;
    private final MessageSending conversations;
    private final EventPublisher events;
    private final TransactionTemplate tx;
    private final JdbcTemplate jdbc;
    private final LiveProperties<ChannelProperties> properties;
    private final ExecutorService executor;
    /** Bounds the work in flight after callbacks; beyond it rows wait for the job. */
    private final Semaphore inFlight = new Semaphore(256);

    InboundProcessor(InboundRows rows, ChannelAccounts accounts, CustomerIdentities identities, MessageSending conversations,
            EventPublisher events, TransactionTemplate tx, JdbcTemplate jdbc, LiveProperties<ChannelProperties> properties,
            ExecutorService channelInboundExecutor) {
        this.rows = rows;
        this.accounts = accounts;
        this.identities = identities;
        this.conversations = conversations;
        this.events = events;
        this.tx = tx;
        this.jdbc = jdbc;
        this.properties = properties;
        this.executor = channelInboundExecutor;
    }

    /** Processes the row in the background; if that is not possible now, the job will. */
    void processLater(UUID id) {
        if (!inFlight.tryAcquire()) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    process(id);
                } finally {
                    inFlight.release();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.release(); // shutting down: the row stays pending
        }
    }

    /** Processes the row now if it is pending and free; never throws. */
    void process(UUID id) {
        ChannelProperties p = properties.get();
        Optional<Inbound> claimed = rows.claim(id, p.processingLease());
        if (claimed.isEmpty()) {
            return; // done already, or someone else holds it
        }
        Inbound row = claimed.get();
        try {
            if (ChannelAccount.MP.equals(row.channel())) {
                processMp(row);
            } else {
                processWecom(row);
            }
        } catch (RuntimeException e) {
            log.warn("Inbound {} {} from {} not processed (attempt {}): {}", row.channel(), row.dedupeKey(), row.fromUser(), row.attempts(),
                    e.toString());
            rows.release(row.id(), e.toString(), p.maxAttempts());
            if (row.attempts() >= p.maxAttempts()) {
                log.error("Inbound {} {} given up after {} attempts", row.channel(), row.dedupeKey(), row.attempts());
            }
        }
    }

    // ---- Official Account ----

    private void processMp(Inbound row) {
        if ("event".equals(row.msgType())) {
            // subscribe, unsubscribe, CLICK, SCAN...: the row is the record; a later message reads the scan from it.
            rows.finish(row.id(), "done", null);
            return;
        }
        WxMpXmlMessage m = WxMpXmlMessage.fromXml(row.rawXml());
        ObjectNode extra = EventJson.mapper().createObjectNode();
        MessageType type;
        String content;
        switch (row.msgType()) {
            case "text" -> {
                type = MessageType.TEXT;
                content = nonEmpty(m.getContent(), "");
            }
            case "image" -> {
                type = MessageType.IMAGE;
                content = nonEmpty(m.getPicUrl(), "[图片]");
                put(extra, "mediaId", m.getMediaId());
                put(extra, "picUrl", m.getPicUrl());
            }
            case "voice" -> {
                type = MessageType.VOICE;
                content = nonEmpty(m.getRecognition(), "[语音]");
                put(extra, "mediaId", m.getMediaId());
                put(extra, "format", m.getFormat());
                put(extra, "recognition", m.getRecognition());
            }
            case "location" -> {
                type = MessageType.TEXT;
                content = "[位置] " + nonEmpty(m.getLabel(), m.getLocationX() + "," + m.getLocationY());
                extra.put("kind", "location");
                if (m.getLocationX() != null) {
                    extra.put("latitude", m.getLocationX());
                }
                if (m.getLocationY() != null) {
                    extra.put("longitude", m.getLocationY());
                }
                if (m.getScale() != null) {
                    extra.put("scale", m.getScale());
                }
                put(extra, "label", m.getLabel());
            }
            case "link" -> {
                type = MessageType.TEXT;
                content = "[链接] " + nonEmpty(m.getTitle(), "") + " " + nonEmpty(m.getUrl(), "");
                extra.put("kind", "link");
                put(extra, "title", m.getTitle());
                put(extra, "description", m.getDescription());
                put(extra, "url", m.getUrl());
            }
            case "video", "shortvideo" -> {
                type = MessageType.TEXT;
                content = "[视频]";
                extra.put("kind", row.msgType());
                put(extra, "mediaId", m.getMediaId());
            }
            default -> {
                rows.finish(row.id(), "ignored", null);
                return;
            }
        }
        ChannelAccount account = accounts.findById(row.accountId()).orElseThrow();
        UUID customerId = identities.resolve(row.tenantId(), CustomerIdentities.Kind.MP_OPENID, account.appId(), row.fromUser(),
                m.getUnionId());
        Source source = Source.QUICK_CHAT;
        Optional<String> scan = rows.latestScan(row.accountId(), row.fromUser(), row.receivedAt().minus(properties.get().qrSourceWindow()),
                row.receivedAt());
        if (scan.isPresent()) {
            source = Source.QR_CODE;
            extra.put("scene", scan.get().startsWith("qrscene_") ? scan.get().substring("qrscene_".length()) : scan.get());
        }
        MessageView stored = conversations.acceptInbound(new InboundMessage(row.tenantId(), customerId, Channel.MP, row.accountId(),
                row.fromUser(), type, content, extra.isEmpty() ? null : extra, row.dedupeKey(), source));
        rows.finish(row.id(), "done", stored.id());
    }

    // ---- WeCom ----

    private void processWecom(Inbound row) {
        ChannelAccount account = accounts.findById(row.accountId()).orElseThrow();
        WxCpXmlMessage m = WxCpXmlMessage.fromXml(row.rawXml(), String.valueOf(account.agentId()));
        if ("event".equals(row.msgType())) {
            if ("change_external_contact".equals(row.event())) {
                contactChanged(row, account, m);
            } else {
                rows.finish(row.id(), "done", null);
            }
            return;
        }
        String text = switch (row.msgType()) {
            case "text" -> nonEmpty(m.getContent(), "");
            case "image" -> nonEmpty(m.getPicUrl(), "[图片]");
            case "voice" -> "[语音]";
            case "location" -> "[位置] " + nonEmpty(m.getLabel(), m.getLocationX() + "," + m.getLocationY());
            case "link" -> "[链接] " + nonEmpty(m.getTitle(), "") + " " + nonEmpty(m.getUrl(), "");
            default -> "[" + row.msgType() + "]";
        };
        if (isExternal(account, row.fromUser())) {
            customerMessage(row, account, m, text);
        } else {
            // An employee: staff commands for routing and ticket, never a customer message.
            tx.executeWithoutResult(status -> {
                if (rows.finish(row.id(), "done", null)) {
                    events.publish(new WecomStaffMessage(account.corpId(), account.agentId(), row.fromUser(), row.msgType(), text,
                            row.dedupeKey(), row.receivedAt()), row.tenantId().toString(), account.corpId() + ":" + row.fromUser());
                }
            });
        }
    }

    private boolean isExternal(ChannelAccount account, String fromUser) {
        Integer bound = jdbc.queryForObject("select count(*) from wecom_contact_binding where account_id = ? and external_user_id = ?",
                Integer.class, account.id(), fromUser);
        return bound != null && bound > 0 || EXTERNAL_USER_ID.matcher(fromUser).matches();
    }

    private void customerMessage(Inbound row, ChannelAccount account, WxCpXmlMessage m, String text) {
        ObjectNode extra = EventJson.mapper().createObjectNode();
        MessageType type = switch (row.msgType()) {
            case "image" -> MessageType.IMAGE;
            case "voice" -> MessageType.VOICE;
            default -> MessageType.TEXT;
        };
        put(extra, "mediaId", m.getMediaId());
        put(extra, "picUrl", m.getPicUrl());
        if (!"text".equals(row.msgType()) && type == MessageType.TEXT) {
            extra.put("kind", row.msgType());
        }
        UUID customerId = identities.resolve(row.tenantId(), CustomerIdentities.Kind.WECOM_EXTERNAL_USERID, account.corpId(), row.fromUser(),
                null);
        MessageView stored = conversations.acceptInbound(new InboundMessage(row.tenantId(), customerId, Channel.WECOM, account.id(),
                row.fromUser(), type, text, extra.isEmpty() ? null : extra, row.dedupeKey(), Source.QUICK_CHAT));
        rows.finish(row.id(), "done", stored.id());
    }

    /** add/edit binds the contact to a customer; del_* marks the binding deleted (by the employee or by the customer). */
    private void contactChanged(Inbound row, ChannelAccount account, WxCpXmlMessage m) {
        String change = nonEmpty(m.getChangeType(), "").toLowerCase(Locale.ROOT);
        String external = m.getExternalUserId();
        String follower = m.getUserId();
        if (external == null || external.isBlank() || follower == null || follower.isBlank()) {
            rows.finish(row.id(), "ignored", null);
            return;
        }
        switch (change) {
            case "add_external_contact", "add_half_external_contact", "edit_external_contact" -> {
                UUID customerId = identities.resolve(row.tenantId(), CustomerIdentities.Kind.WECOM_EXTERNAL_USERID, account.corpId(),
                        external, null);
                tx.executeWithoutResult(status -> {
                    jdbc.update("""
                            insert into wecom_contact_binding (account_id, external_user_id, follow_user_id, tenant_id, customer_id, state,
                                status, created_at, updated_at)
                            values (?, ?, ?, ?, ?, ?, 'active', now(), now())
                            on conflict (account_id, external_user_id, follow_user_id) do update
                                set customer_id = excluded.customer_id, state = coalesce(excluded.state, wecom_contact_binding.state),
                                    status = 'active', updated_at = now()""",
                            account.id(), external, follower, row.tenantId(), customerId, InboundRows.truncate(m.getState(), 64));
                    if (rows.finish(row.id(), "done", null)) {
                        // ticket-service links the contact to a provider's customer when it can tell which.
                        events.publish(new WecomContactAdded(account.corpId(), account.agentId(), external, follower, customerId,
                                InboundRows.truncate(m.getState(), 64), change, row.receivedAt()), row.tenantId().toString(),
                                account.corpId() + ":" + external);
                    }
                });
            }
            case "del_external_contact", "del_follow_user" -> tx.executeWithoutResult(status -> {
                jdbc.update("update wecom_contact_binding set status = ?, updated_at = now() "
                        + "where account_id = ? and external_user_id = ? and follow_user_id = ?",
                        "del_external_contact".equals(change) ? "deleted_by_staff" : "deleted_by_customer", account.id(), external, follower);
                rows.finish(row.id(), "done", null);
            });
            default -> rows.finish(row.id(), "done", null); // transfer_fail and others: recorded
        }
    }

    private static String nonEmpty(@Nullable String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void put(ObjectNode node, String field, @Nullable String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }
}
