package io.kefu.push.sender;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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

    private static final String SCRIPT = """
            for i = 1, #KEYS do
              local used = tonumber(redis.call('GET', KEYS[i]) or '0')
              if used >= tonumber(ARGV[2 * i - 1]) then
                local ttl = redis.call('PTTL', KEYS[i])
                if ttl < 0 then ttl = tonumber(ARGV[2 * i]) end
                return {i, ttl}
              end
            end
            for i = 1, #KEYS do
              if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[2 * i]) end
            end
            return {0, 0}
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

    /** Empty when {@code message} may go now (and is counted); otherwise the rule that holds it and until when. */
    public Optional<SendOutcome.Held> hold(Sender sender, Outgoing message) {
        PacingProperties p = properties.get();
        if (!p.enabled()) {
            return Optional.empty();
        }
        List<Rule> rules = rules(p, sender, message);
        Instant now = clock.instant();
        long nowMs = now.toEpochMilli();
        List<Object> keys = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        for (Rule rule : rules) {
            long window = rule.window().toMillis();
            keys.add(rule.key() + ":" + (nowMs / window));
            args.add(String.valueOf(rule.limit()));
            args.add(String.valueOf(window - nowMs % window + 1000));
        }
        List<Object> result = redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, SCRIPT, RScript.ReturnType.LIST,
                keys, args.toArray());
        int full = ((Number) result.get(0)).intValue();
        if (full == 0) {
            return Optional.empty();
        }
        Rule rule = rules.get(full - 1);
        long window = rule.window().toMillis();
        Instant until = Instant.ofEpochMilli((nowMs / window + 1) * window);
        return Optional.of(new SendOutcome.Held(rule.name(), until));
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
        String who = digest(message.recipient());
        if (channel == Channel.SMS && "captcha".equals(kind)) {
            rules.add(new Rule("sms captcha " + p.captchaPerMinute() + "/min per number", "kefu:push:pace:cap:m:" + who, p.captchaPerMinute(),
                    Duration.ofMinutes(1)));
            rules.add(new Rule("sms captcha " + p.captchaPerHour() + "/h per number", "kefu:push:pace:cap:h:" + who, p.captchaPerHour(),
                    Duration.ofHours(1)));
            rules.add(new Rule("sms captcha " + p.captchaPerDay() + "/day per number", "kefu:push:pace:cap:d:" + who, p.captchaPerDay(),
                    Duration.ofDays(1)));
        } else if (channel == Channel.WECHAT && "wecom".equals(kind)) {
            rules.add(new Rule("wecom app " + p.wecomPerMinute() + "/min per member", "kefu:push:pace:wc:m:" + who, p.wecomPerMinute(),
                    Duration.ofMinutes(1)));
            rules.add(new Rule("wecom app " + p.wecomPerHour() + "/h per member", "kefu:push:pace:wc:h:" + who, p.wecomPerHour(),
                    Duration.ofHours(1)));
        } else if (channel == Channel.FEISHU && "bot".equals(kind)) {
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
