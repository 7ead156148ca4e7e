package io.kefu.auth.wechat;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import cn.binarywang.wx.miniapp.api.WxMaService;
import cn.binarywang.wx.miniapp.api.impl.WxMaServiceImpl;
import cn.binarywang.wx.miniapp.bean.WxMaJscode2SessionResult;
import cn.binarywang.wx.miniapp.config.impl.WxMaDefaultConfigImpl;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import me.chanjar.weixin.common.enums.WxType;
import me.chanjar.weixin.common.error.WxErrorException;
import me.chanjar.weixin.common.util.http.SimpleGetRequestExecutor;
import me.chanjar.weixin.common.util.http.apache.ApacheHttpClientBuilder;
import me.chanjar.weixin.common.util.http.apache.DefaultApacheHttpClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import io.kefu.common.error.ProblemType;

/**
 * Exchanges a mini-program login code for the user's openid/unionid through WxJava's mini-program
 * client, against a configurable API host. Every WeChat failure becomes a problem a client can act
 * on (bad code 400, rate limit 429, WeChat down or slow 503), never a 500.
 */
@Component
public class WeChatLogin {

    public static final ProblemType CODE_INVALID = new ProblemType("wechat-code-invalid", HttpStatus.BAD_REQUEST, "WeChat login code invalid");
    public static final ProblemType RATE_LIMITED = new ProblemType("wechat-rate-limited", HttpStatus.TOO_MANY_REQUESTS, "WeChat rate limit");
    public static final ProblemType UNAVAILABLE = new ProblemType("wechat-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "WeChat unavailable");
    public static final ProblemType REJECTED = new ProblemType("wechat-error", HttpStatus.BAD_GATEWAY, "WeChat refused the request");

    private static final Logger log = LoggerFactory.getLogger(WeChatLogin.class);

    private final LiveProperties<WeChatProperties> properties;
    /** One client per (app, secret, settings): a changed secret or host gets a fresh client. */
    private final Map<String, WxMaService> clients = new ConcurrentHashMap<>();

    WeChatLogin(Environment environment) {
        this.properties = LiveProperties.bind(environment, WeChatProperties.class);
    }

    public LiveProperties<WeChatProperties> properties() {
        return properties;
    }

    public WeChatSession codeToSession(String appId, String secret, String code) {
        WeChatProperties settings = properties.get();
        WxMaJscode2SessionResult result = null;
        for (int attempt = 0; result == null; attempt++) {
            try {
                result = WxMaJscode2SessionResult.fromJson(jscode2session(client(appId, secret), appId, secret, code));
            } catch (WxErrorException e) {
                int errcode = e.getError().getErrorCode();
                if (errcode != -1 || attempt >= settings.maxRetries()) {
                    throw translate(appId, errcode, e.getError().getErrorMsg());
                }
                pause(); // -1 is "system busy": WeChat asks callers to try again shortly
            } catch (IOException | RuntimeException e) {
                // connection refused, timeouts, unreadable answers
                log.warn("WeChat jscode2session for {} failed: {}", appId, e.toString());
                throw new KefuProblemException(UNAVAILABLE, "WeChat could not be reached; try again shortly");
            }
        }
        if (result.getOpenid() == null || result.getOpenid().isBlank()) {
            throw new KefuProblemException(UNAVAILABLE, "WeChat answered without an openid; try again shortly");
        }
        return new WeChatSession(result.getOpenid(), blankToNull(result.getUnionid()));
    }

    /**
     * jscode2session through WxJava's HTTP executor and error parsing, but without
     * {@code WxMaService#jsCode2SessionInfo}: that one first fetches an access_token (jscode2session
     * needs none), and every fetch would spend the app's daily quota and invalidate the token other
     * services hold for the same app.
     */
    private static String jscode2session(WxMaService service, String appId, String secret, String code) throws WxErrorException, IOException {
        String url = service.getWxMaConfig().getApiHostUrl() + "/sns/jscode2session";
        String query = "appid=" + enc(appId) + "&secret=" + enc(secret) + "&js_code=" + enc(code) + "&grant_type=authorization_code";
        return SimpleGetRequestExecutor.create(service.getRequestHttp()).execute(url, query, WxType.MiniApp);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void pause() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KefuProblemException(UNAVAILABLE, "Interrupted while WeChat was busy");
        }
    }

    static KefuProblemException translate(String appId, int errcode, String errmsg) {
        return switch (errcode) {
            case 40029, 40163 -> new KefuProblemException(CODE_INVALID, "The login code is invalid or was already used; call wx.login again",
                    Map.of("errcode", errcode));
            case 45011 -> new KefuProblemException(RATE_LIMITED, "WeChat rate-limits this user; wait a minute", Map.of("errcode", errcode));
            case -1 -> new KefuProblemException(UNAVAILABLE, "WeChat is busy; try again shortly", Map.of("errcode", errcode));
            default -> {
                log.warn("WeChat jscode2session for {} refused: {} {}", appId, errcode, errmsg);
                yield new KefuProblemException(REJECTED, "WeChat refused the login (errcode " + errcode + ")", Map.of("errcode", errcode));
            }
        };
    }

    private WxMaService client(String appId, String secret) {
        WeChatProperties settings = properties.get();
        String key = appId + '\0' + Integer.toHexString(secret.hashCode()) + '\0' + settings;
        return clients.computeIfAbsent(key, k -> {
            clients.keySet().removeIf(other -> other.startsWith(appId + '\0')); // drop the stale client of this app
            WxMaDefaultConfigImpl config = new WxMaDefaultConfigImpl();
            config.setAppid(appId);
            config.setSecret(secret);
            config.setApiHostUrl(stripSlash(settings.apiBaseUrl()));
            config.setApacheHttpClientBuilder(httpClient(settings));
            WxMaServiceImpl service = new WxMaServiceImpl();
            service.setWxMaConfig(config);
            return service;
        });
    }

    private static ApacheHttpClientBuilder httpClient(WeChatProperties settings) {
        // WxJava's builder is a process-wide singleton; its timeouts are the same for every app, which is what we want
        DefaultApacheHttpClientBuilder builder = DefaultApacheHttpClientBuilder.get();
        builder.setConnectionTimeout((int) settings.connectTimeout().toMillis());
        builder.setConnectionRequestTimeout((int) settings.connectTimeout().toMillis());
        builder.setSoTimeout((int) settings.readTimeout().toMillis());
        return builder;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
