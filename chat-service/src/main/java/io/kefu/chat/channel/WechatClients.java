package io.kefu.chat.channel;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.kefu.common.config.LiveProperties;
import me.chanjar.weixin.cp.api.WxCpService;
import me.chanjar.weixin.cp.api.impl.WxCpServiceImpl;
import me.chanjar.weixin.cp.config.impl.WxCpRedissonConfigImpl;
import me.chanjar.weixin.mp.api.WxMpService;
import me.chanjar.weixin.mp.api.impl.WxMpServiceImpl;
import me.chanjar.weixin.mp.config.WxMpHostConfig;
import me.chanjar.weixin.mp.config.impl.WxMpRedissonConfigImpl;
import org.redisson.api.RedissonClient;
import org.springframework.stereotype.Component;

/**
 * WxJava API clients, one per account and instance. Their access tokens live in Redis behind a
 * Redisson lock (WxJava's Redisson config implementations): every instance reuses the one token, and
 * only one of them fetches a new one when it expires, so instances never invalidate each other's
 * token nor burn the 2,000 fetches a day. A client is rebuilt when its account or base URL changes.
 */
@Component
class WechatClients {

    static final String MP_KEY_PREFIX = "kefu:chat:wx";
    static final String CP_KEY_PREFIX = "kefu:chat:wecom";

    private final RedissonClient redisson;
    private final LiveProperties<ChannelProperties> properties;
    private final Map<UUID, Built<WxMpService>> mp = new ConcurrentHashMap<>();
    private final Map<UUID, Built<WxCpService>> cp = new ConcurrentHashMap<>();

    WechatClients(RedissonClient redisson, LiveProperties<ChannelProperties> properties) {
        this.redisson = redisson;
        this.properties = properties;
    }

    private record Built<T>(String fingerprint, T service) {
    }

    WxMpService mp(ChannelAccount account, ChannelAccounts.Secrets secrets, long version) {
        ChannelProperties p = properties.get();
        String fingerprint = version + "|" + p.wechatApiBaseUrl() + "|" + p.wechatMaxRetries();
        return mp.compute(account.id(), (id, built) -> built != null && built.fingerprint().equals(fingerprint) ? built
                : new Built<>(fingerprint, buildMp(account, secrets, p))).service();
    }

    WxCpService cp(ChannelAccount account, ChannelAccounts.Secrets secrets, long version) {
        ChannelProperties p = properties.get();
        String fingerprint = version + "|" + p.wecomApiBaseUrl() + "|" + p.wechatMaxRetries();
        return cp.compute(account.id(), (id, built) -> built != null && built.fingerprint().equals(fingerprint) ? built
                : new Built<>(fingerprint, buildCp(account, secrets, p))).service();
    }

    private WxMpService buildMp(ChannelAccount account, ChannelAccounts.Secrets secrets, ChannelProperties p) {
        WxMpRedissonConfigImpl config = new WxMpRedissonConfigImpl(redisson, MP_KEY_PREFIX);
        config.setAppId(account.appId());
        config.setSecret(secrets.secret());
        config.setToken(secrets.token());
        config.setAesKey(secrets.aesKey());
        WxMpHostConfig hosts = new WxMpHostConfig();
        hosts.setApiHost(trimSlash(p.wechatApiBaseUrl()));
        hosts.setMpHost(WxMpHostConfig.MP_DEFAULT_HOST_URL);
        hosts.setOpenHost(WxMpHostConfig.OPEN_DEFAULT_HOST_URL);
        config.setHostConfig(hosts);
        WxMpServiceImpl service = new WxMpServiceImpl();
        service.setWxMpConfigStorage(config);
        service.setMaxRetryTimes(p.wechatMaxRetries());
        service.setRetrySleepMillis(500);
        return service;
    }

    private WxCpService buildCp(ChannelAccount account, ChannelAccounts.Secrets secrets, ChannelProperties p) {
        WxCpRedissonConfigImpl config = new WxCpRedissonConfigImpl(redisson, CP_KEY_PREFIX);
        config.setCorpId(account.corpId());
        config.setAgentId(account.agentId());
        config.setCorpSecret(secrets.secret());
        config.setToken(secrets.token());
        config.setAesKey(secrets.aesKey());
        config.setBaseApiUrl(trimSlash(p.wecomApiBaseUrl()));
        WxCpServiceImpl service = new WxCpServiceImpl();
        service.setWxCpConfigStorage(config);
        service.setMaxRetryTimes(p.wechatMaxRetries());
        service.setRetrySleepMillis(500);
        return service;
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
