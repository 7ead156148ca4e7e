package io.kefu.push.sender;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kefu.common.config.LiveProperties;
import io.kefu.push.template.Channel;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.stereotype.Component;

/**
 * Rate limits and per-recipient budgets shared by all instances: fixed windows counted in Redis by one
 * Lua script that checks every rule a message falls under and counts it against all of them only if
 * none is full. A full rule holds the message until its window ends; the trace names the rule.
 * (Fixed windows admit up to twice a limit across a window edge; the providers' own rules are stated
 * per minute/hour/day, so the budgets below them keep that margin.)
 */
@Component
public class Pacing {

    /**
     * A lot of messages in one call, in order, each exactly as if it had its own call: a message is counted
     * against all its rules only if none of them is full (counts made by earlier messages of the lot
     * included). ARGV: the number of messages, then per message its number of rules and per rule the
     * index of its key in KEYS, its limit and its window's expiry. Answers per message 0 (go) or the
     * 1-based index of the first full rule among its own.
     */
    private static final String SCRIPT = """
            local used = {}
            local out = {}
            local p = 2
            for m = 1, tonumber(ARGV[1]) do
              local n = tonumber(ARGV[p])
              p = p + 1
              local held = 0
              for r = 0, n - 1 do
                local k = tonumber(ARGV[p + 3 * r])
                if used[k] == nil then used[k] = tonumber(redis.call('GET', KEYS[k]) or '0') end
                if held == 0 and used[k] >= tonumber(ARGV[p + 3 * r + 1]) then held = r + 1 end
              end
              if held == 0 then
                for r = 0, n - 1 do
                  local k = tonumber(ARGV[p + 3 * r])
                  used[k] = redis.call('INCR', KEYS[k])
                  if used[k] == 1 then redis.call('PEXPIRE', KEYS[k], ARGV[p + 3 * r + 2]) end
                end
              end
              out[m] = held
              p = p + 3 * n
            end
            return out
            """;

    private final RedissonClient redisson;
    private final LiveProperties<PacingProperties> properties;
    private final Clock clock;

    Pacing(RedissonClient redisson, LiveProperties<PacingProperties> properties, Clock clock) {
        this.redisson = redisson;
        this.properties = properties;
        this.clock = clock;
    }

    /** One rule: its name (for the trace), the counter, the limit and the window. */
    record Rule(String name, String key, int limit, Duration window) {
    }

    /** A message to pace and the sender that would send it. */
    public record Request(Sender sender, Outgoing message) {
    }

    /** Empty when {@code message} may go now (and is counted); otherwise the rule that holds it and until when. */
    public Optional<SendOutcome.Held> hold(Sender sender, Outgoing message) {
        return holdAll(List.of(new Request(sender, message))).getFirst();
    }

    /**
     * {@link #hold} for a lot of messages in one Redis call (one script, not one per message): answers, in
     * the order of {@code lot}, empty for each message that may go now (and is counted) or the rule that
     * holds it. The same as holding them one after the other: an earlier message's count can hold a later one.
     */
    public List<Optional<SendOutcome.Held>> holdAll(List<Request> lot) {
        PacingProperties p = properties.get();
        if (!p.enabled() || lot.isEmpty()) {
            return Collections.nCopies(lot.size(), Optional.empty());
        }
        long nowMs = clock.instant().toEpochMilli();
        Map<String, Integer> keyIndex = new LinkedHashMap<>();
        List<List<Rule>> rulesOf = new ArrayList<>(lot.size());
        List<Object> args = new ArrayList<>();
        args.add(String.valueOf(lot.size()));
        for (Request request : lot) {
            List<Rule> rules = rules(p, request.sender(), request.message());
            rulesOf.add(rules);
            args.add(String.valueOf(rules.size()));
            for (Rule rule : rules) {
                long window = rule.window().toMillis();
                String key = rule.key() + ":" + (nowMs / window);
                args.add(String.valueOf(keyIndex.computeIfAbsent(key, k -> keyIndex.size() + 1)));
                args.add(String.valueOf(rule.limit()));
                args.add(String.valueOf(window - nowMs % window + 1000));
            }
        }
        if (keyIndex.isEmpty()) {
            return Collections.nCopies(lot.size(), Optional.empty());
        }
        List<Object> result = redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, SCRIPT, RScript.ReturnType.LIST,
                new ArrayList<>(keyIndex.keySet()), args.toArray());
        List<Optional<SendOutcome.Held>> held = new ArrayList<>(lot.size());
        for (int m = 0; m < lot.size(); m++) {
            int full = ((Number) result.get(m)).intValue();
            if (full == 0) {
                held.add(Optional.empty());
                continue;
            }
            Rule rule = rulesOf.get(m).get(full - 1);
            long window = rule.window().toMillis();
            held.add(Optional.of(new SendOutcome.Held(rule.name(), Instant.ofEpochMilli((nowMs / window + 1) * window))));
        }
        return held;
    }

    static List<Rule> rules(PacingProperties p, Sender sender, Outgoing message) {
        List<Rule> rules = new ArrayList<>();
        Channel channel = sender.channel();
        Integer perChannel = p.channelPerSecond().get(channel.wire());
        if (perChannel != null) {
            rules.add(new Rule("channel " + channel.wire() + " " + perChannel + "/s", "kefu:push:pace:ch:" + channel.wire(), perChannel,
                    Duration.ofSeconds(1)));
        }
        Integer perProvider = p.providerPerSecond().get(sender.provider());
        if (perProvider != null) {
            String account = sender.account(message);
            rules.add(new Rule("provider " + sender.provider() + " account " + account + " " + perProvider + "/s",
                    "kefu:push:pace:pv:" + sender.provider() + ":" + account, perProvider, Duration.ofSeconds(1)));
        }
        String kind = message.template().kind();
        if (channel == Channel.SMS && "captcha".equals(kind)) {
            String who = digest(message.recipient());
            rules.add(new Rule("sms captcha " + p.captchaPerMinute() + "/min per number", "kefu:push:pace:cap:m:" + who, p.captchaPerMinute(),
                    Duration.ofMinutes(1)));
            rules.add(new Rule("sms captcha " + p.captchaPerHour() + "/h per number", "kefu:push:pace:cap:h:" + who, p.captchaPerHour(),
                    Duration.ofHours(1)));
            rules.add(new Rule("sms captcha " + p.captchaPerDay() + "/day per number", "kefu:push:pace:cap:d:" + who, p.captchaPerDay(),
                    Duration.ofDays(1)));
        } else if (channel == Channel.WECHAT && "wecom".equals(kind)) {
            String who = digest(message.recipient()); // only the per-recipient rules need it: not computed for a notice
            rules.add(new Rule("wecom app " + p.wecomPerMinute() + "/min per member", "kefu:push:pace:wc:m:" + who, p.wecomPerMinute(),
                    Duration.ofMinutes(1)));
            rules.add(new Rule("wecom app " + p.wecomPerHour() + "/h per member", "kefu:push:pace:wc:h:" + who, p.wecomPerHour(),
                    Duration.ofHours(1)));
        } else if (channel == Channel.FEISHU && "bot".equals(kind)) {
            String who = digest(message.recipient());
            rules.add(new Rule("feishu bot " + p.feishuBotPerSecond() + "/s", "kefu:push:pace:fb:" + who, p.feishuBotPerSecond(),
                    Duration.ofSeconds(1)));
        }
        return rules;
    }

    /** Recipients are personal data: counters are keyed by a digest, not the number or address. */
    static String digest(String recipient) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(recipient.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
