package io.kefu.push.sender;

import java.util.concurrent.atomic.AtomicReference;

import cn.binarywang.wx.miniapp.api.WxMaService;
import cn.binarywang.wx.miniapp.api.impl.WxMaServiceImpl;
import cn.binarywang.wx.miniapp.config.impl.WxMaRedissonConfigImpl;
import io.kefu.common.config.LiveProperties;
import me.chanjar.weixin.common.error.WxErrorException;
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
 * WxJava clients whose access tokens live where chat-service keeps them: the same WxJava Redisson
 * storage under the same key prefixes ({@code kefu:chat:wx:access_token:<appId>},
 * {@code kefu:chat:wecom:…}). push holds no OA/WeCom secret, so it never fetches a token of its own —
 * it reuses the suite's one token per app, and a missing or expired one is a transient failure retried
 * until chat has refreshed it (chat refreshes on its own next call). The mini-program's token is the
 * exception: no other service calls the mini-program API, so push keeps that one (secret configured
 * here, Redisson-locked, {@code kefu:push:wxa:…}) and it is still one token per app for the suite.
 */
@Component
class WechatClients {

    private final RedissonClient redisson;
    private final LiveProperties<SenderProperties> properties;
    private final AtomicReference<Built<WxMpService>> mp = new AtomicReference<>();
    private final AtomicReference<Built<WxCpService>> cp = new AtomicReference<>();
    private final AtomicReference<Built<WxMaService>> ma = new AtomicReference<>();

    private record Built<T>(SenderProperties.Wechat settings, T service) {
    }

    WechatClients(RedissonClient redisson, LiveProperties<SenderProperties> properties) {
        this.redisson = redisson;
        this.properties = properties;
    }

    WxMpService mp() {
        SenderProperties.Wechat w = properties.get().wechat();
        return mp.updateAndGet(b -> b != null && b.settings().equals(w) ? b : new Built<>(w, buildMp(w))).service();
    }

    WxCpService cp() {
        SenderProperties.Wechat w = properties.get().wechat();
        return cp.updateAndGet(b -> b != null && b.settings().equals(w) ? b : new Built<>(w, buildCp(w))).service();
    }

    WxMaService ma() {
        SenderProperties.Wechat w = properties.get().wechat();
        return ma.updateAndGet(b -> b != null && b.settings().equals(w) ? b : new Built<>(w, buildMa(w))).service();
    }

    private WxMpService buildMp(SenderProperties.Wechat w) {
        WxMpRedissonConfigImpl config = new WxMpRedissonConfigImpl(redisson, w.mpTokenPrefix());
        config.setAppId(w.mpAppId());
        config.setSecret("");
        WxMpHostConfig hosts = new WxMpHostConfig();
        hosts.setApiHost(trim(w.apiBaseUrl()));
        hosts.setMpHost(WxMpHostConfig.MP_DEFAULT_HOST_URL);
        hosts.setOpenHost(WxMpHostConfig.OPEN_DEFAULT_HOST_URL);
        config.setHostConfig(hosts);
        WxMpServiceImpl service = new WxMpServiceImpl();
        service.setWxMpConfigStorage(config);
        service.setMaxRetryTimes(0);
        return service;
    }

    private WxCpService buildCp(SenderProperties.Wechat w) {
        WxCpRedissonConfigImpl config = new WxCpRedissonConfigImpl(redisson, w.wecomTokenPrefix());
        config.setCorpId(w.wecomCorpId());
        config.setAgentId(w.wecomAgentId());
        config.setCorpSecret("");
        config.setBaseApiUrl(trim(w.wecomBaseUrl()));
        WxCpServiceImpl service = new WxCpServiceImpl();
        service.setWxCpConfigStorage(config);
        service.setMaxRetryTimes(0);
        return service;
    }

    private WxMaService buildMa(SenderProperties.Wechat w) {
        WxMaRedissonConfigImpl config = new WxMaRedissonConfigImpl(redisson, "kefu:push:wxa");
        config.setAppid(w.miniappId());
        config.setSecret(w.miniappSecret());
        config.setApiHostUrl(trim(w.apiBaseUrl()));
        config.setAccessTokenUrl(trim(w.apiBaseUrl()) + "/cgi-bin/token?grant_type=client_credential&appid=%s&secret=%s");
        WxMaServiceImpl service = new WxMaServiceImpl();
        service.setWxMaConfig(config);
        service.setMaxRetryTimes(0);
        return service;
    }

    /** WeChat's error codes: -1 (busy), 45009 (quota), 45011 (frequency) and 40001/42001 (token expired) are worth retrying. */
    static SendOutcome failure(String what, WxErrorException e) {
        int code = e.getError() == null ? -1 : e.getError().getErrorCode();
        String message = what + " " + code + ": " + (e.getError() == null ? e.getMessage() : e.getError().getErrorMsg());
        return switch (code) {
            case -1, 45009, 45011, 40001, 42001, 40014 -> new SendOutcome.Retry(message, null);
            default -> new SendOutcome.Failed(message);
        };
    }

    private static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
