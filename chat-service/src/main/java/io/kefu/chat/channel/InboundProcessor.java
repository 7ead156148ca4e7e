package io.kefu.chat.channel;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
import jakarta.annotation.PreDestroy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.w3c.dom.Element;
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
    /**
     * One single-threaded lane per {@code processingLanes}, each with a bounded queue: a follower's
     * callbacks always take the same lane, so they become messages in the order they were stored, and at
     * most that many database connections go to processing — the callbacks' own inserts (what WeChat
     * waits for) never queue behind a backlog of processing for the pool. Beyond a full queue the row
     * waits for the job. Nothing is lost when the JVM dies with rows queued: they stay pending.
     */
    private final ThreadPoolExecutor[] lanes;

    InboundProcessor(InboundRows rows, ChannelAccounts accounts, CustomerIdentities identities, MessageSending conversations,
            EventPublisher events, TransactionTemplate tx, JdbcTemplate jdbc, LiveProperties<ChannelProperties> properties) {
        this.rows = rows;
        this.accounts = accounts;
        this.identities = identities;
        this.conversations = conversations;
        this.events = events;
        this.tx = tx;
        this.jdbc = jdbc;
        this.properties = properties;
        ChannelProperties p = properties.get(); // the lanes are made once, at start
        this.lanes = new ThreadPoolExecutor[p.processingLanes()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(p.laneQueue()),
                    Thread.ofVirtual().name("channel-inbound-" + i + "-", 0).factory());
        }
    }

    @PreDestroy
    void stop() {
        for (ThreadPoolExecutor lane : lanes) {
            lane.shutdownNow(); // queued rows stay pending (claimed until their lease runs out) for the job
        }
    }

    /**
     * The lease a callback's row is stored with when this instance will process it itself ({@link #processLater}): only
     * if its follower's lane has room, otherwise null, and the row is stored free for the job (no claim to give back).
     */
    @Nullable Duration leaseIfRoom(UUID accountId, String fromUser) {
        return lane(accountId, fromUser).getQueue().remainingCapacity() > 0 ? properties.get().processingLease() : null;
    }

    private ThreadPoolExecutor lane(UUID accountId, String fromUser) {
        return lanes[Math.floorMod((accountId + ":" + fromUser).hashCode(), lanes.length)];
    }

    /**
     * Processes a row stored claimed ({@link #leaseIfRoom}) in its follower's lane; if the lane filled up since
     * (or the service is stopping) the claim is given back and the job will. A row stored unclaimed is the job's.
     */
    void processLater(Inbound row) {
        if (row.attempts() > 0) {
            enqueue(row);
        }
    }

    /**
     * For the job: claims the row, if it is pending and free, and queues it in its follower's lane. False when that
     * lane is full: the claim is given back, and the lanes are too busy for more this run.
     */
    boolean processInLane(UUID id) {
        // Empty: done already, or someone else holds it.
        return rows.claim(id, properties.get().processingLease()).map(this::enqueue).orElse(true);
    }

    /** Into the row's lane, or, when it is full, the claim given back: false. */
    private boolean enqueue(Inbound row) {
        try {
            lane(row.accountId(), row.fromUser()).execute(() -> processClaimed(row));
            return true;
        } catch (RejectedExecutionException e) {
            rows.unclaim(row.id());
            return false;
        }
    }

    /** Processes a row this caller holds the claim of; never throws. */
    private void processClaimed(Inbound row) {
        ChannelProperties p = properties.get();
        try {
            if (ChannelAccount.MP.equals(row.channel())) {
                processMp(row);
            } else {
                processWecom(row);
            }
        } catch (Unreadable e) {
            // Signed, stored, but not a message WxJava can read: another attempt reads the same XML.
            log.warn("Inbound {} {} from {} cannot be read: {}", row.channel(), row.dedupeKey(), row.fromUser(), e.getCause().toString());
            rows.release(row.id(), "unreadable: " + e.getCause(), 0);
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
        Element m = read(row);
        ObjectNode extra = EventJson.mapper().createObjectNode();
        MessageType type;
        String content;
        switch (row.msgType()) {
            case "text" -> {
                type = MessageType.TEXT;
                content = nonEmpty(text(m, "Content"), "");
            }
            case "image" -> {
                type = MessageType.IMAGE;
                content = nonEmpty(text(m, "PicUrl"), "[图片]");
                put(extra, "mediaId", text(m, "MediaId"));
                put(extra, "picUrl", text(m, "PicUrl"));
            }
            case "voice" -> {
                type = MessageType.VOICE;
                content = nonEmpty(text(m, "Recognition"), "[语音]");
                put(extra, "mediaId", text(m, "MediaId"));
                put(extra, "format", text(m, "Format"));
                put(extra, "recognition", text(m, "Recognition"));
            }
            case "location" -> {
                type = MessageType.TEXT;
                content = "[位置] " + nonEmpty(text(m, "Label"), decimal(m, "Location_X") + "," + decimal(m, "Location_Y"));
                extra.put("kind", "location");
                if (decimal(m, "Location_X") != null) {
                    extra.put("latitude", decimal(m, "Location_X"));
                }
                if (decimal(m, "Location_Y") != null) {
                    extra.put("longitude", decimal(m, "Location_Y"));
                }
                if (decimal(m, "Scale") != null) {
                    extra.put("scale", decimal(m, "Scale"));
                }
                put(extra, "label", text(m, "Label"));
            }
            case "link" -> {
                type = MessageType.TEXT;
                content = "[链接] " + nonEmpty(text(m, "Title"), "") + " " + nonEmpty(text(m, "Url"), "");
                extra.put("kind", "link");
                put(extra, "title", text(m, "Title"));
                put(extra, "description", text(m, "Description"));
                put(extra, "url", text(m, "Url"));
            }
            case "video", "shortvideo" -> {
                type = MessageType.TEXT;
                content = "[视频]";
                extra.put("kind", row.msgType());
                put(extra, "mediaId", text(m, "MediaId"));
            }
            default -> {
                rows.finish(row.id(), "ignored", null);
                return;
            }
        }
        ChannelAccount account = accounts.cachedById(row.accountId()).orElseThrow().account();
        UUID customerId = identities.resolve(row.tenantId(), CustomerIdentities.Kind.MP_OPENID, account.appId(), row.fromUser(),
                text(m, "UnionId"));
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
        ChannelAccount account = accounts.cachedById(row.accountId()).orElseThrow().account();
        Element m = read(row);
        if ("event".equals(row.msgType())) {
            if ("change_external_contact".equals(row.event())) {
                contactChanged(row, account, m);
            } else {
                rows.finish(row.id(), "done", null);
            }
            return;
        }
        String text = switch (row.msgType()) {
            case "text" -> nonEmpty(text(m, "Content"), "");
            case "image" -> nonEmpty(text(m, "PicUrl"), "[图片]");
            case "voice" -> "[语音]";
            case "location" -> "[位置] " + nonEmpty(text(m, "Label"), decimal(m, "Location_X") + "," + decimal(m, "Location_Y"));
            case "link" -> "[链接] " + nonEmpty(text(m, "Title"), "") + " " + nonEmpty(text(m, "Url"), "");
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

    private void customerMessage(Inbound row, ChannelAccount account, Element m, String text) {
        ObjectNode extra = EventJson.mapper().createObjectNode();
        MessageType type = switch (row.msgType()) {
            case "image" -> MessageType.IMAGE;
            case "voice" -> MessageType.VOICE;
            default -> MessageType.TEXT;
        };
        put(extra, "mediaId", text(m, "MediaId"));
        put(extra, "picUrl", text(m, "PicUrl"));
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
    private void contactChanged(Inbound row, ChannelAccount account, Element m) {
        String change = nonEmpty(text(m, "ChangeType"), "").toLowerCase(Locale.ROOT);
        String external = text(m, "ExternalUserID");
        String follower = text(m, "UserID");
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
                            account.id(), external, follower, row.tenantId(), customerId, InboundRows.truncate(text(m, "State"), 64));
                    if (rows.finish(row.id(), "done", null)) {
                        // ticket-service links the contact to a provider's customer when it can tell which.
                        events.publish(new WecomContactAdded(account.corpId(), account.agentId(), external, follower, customerId,
                                InboundRows.truncate(text(m, "State"), 64), change, row.receivedAt()), row.tenantId().toString(),
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

    /**
     * The stored message, read with the callbacks' own reused parser. WxJava's {@code fromXml} parsed it again
     * with a new SAX parser (its {@code XmlUtils.xml2Map}, looking classes up in the service's nested jars) and
     * then with XStream: a fifth of chat's CPU under {@code CallbackBench}. What cannot be read is
     * {@link Unreadable}, never retried.
     */
    private static Element read(Inbound row) {
        try {
            return CallbackGuard.parse(row.rawXml());
        } catch (RuntimeException e) {
            throw new Unreadable(e);
        }
    }

    /** The text of the first {@code <name>}, as WxJava's field of that alias holds it. */
    private static @Nullable String text(Element message, String name) {
        return CallbackGuard.child(message, name);
    }

    /** A decimal field (Location_X, Location_Y, Scale), as WxJava's {@code Double}. */
    private static @Nullable Double decimal(Element message, String name) {
        String value = CallbackGuard.child(message, name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Double.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw new Unreadable(e);
        }
    }

    private static final class Unreadable extends RuntimeException {
        Unreadable(RuntimeException cause) {
            super(cause);
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
