package io.kefu.chat.channel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The business meters of chat's channels, named the Micrometer way: WeChat and WeCom callbacks by
 * platform and outcome ({@code kefu.callbacks{platform=mp|wecom, outcome=accepted|refused, status}}:
 * refusals are bad signatures, stale or foreign callbacks, limits), and the realtime side's open
 * WebSocket sessions and connected users ({@code kefu.websocket.sessions}, {@code kefu.websocket.users}).
 * Deliveries to WeChat/WeCom by errcode are common's {@code kefu.remote.calls{kind, outcome, code}}.
 */
@Configuration(proxyBeanMethods = false)
class ChannelMeters implements WebMvcConfigurer {

    private final MeterRegistry meters;

    ChannelMeters(MeterRegistry meters, SimpUserRegistry users) {
        this.meters = meters;
        Gauge.builder("kefu.websocket.sessions", users, u -> u.getUsers().stream().mapToInt(user -> user.getSessions().size()).sum())
                .description("Open STOMP sessions on this instance").register(meters);
        Gauge.builder("kefu.websocket.users", users, SimpUserRegistry::getUserCount)
                .description("Users with at least one STOMP session on this instance").register(meters);
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler, @Nullable Exception ex) {
                String path = request.getRequestURI();
                String platform = path.startsWith("/callback/wecom/") ? "wecom" : "mp";
                int status = response.getStatus();
                Counter.builder("kefu.callbacks").description("WeChat/WeCom callbacks received, by outcome")
                        .tag("platform", platform).tag("outcome", status < 400 ? "accepted" : "refused").tag("status", String.valueOf(status))
                        .register(meters).increment();
            }
        }).addPathPatterns("/callback/mp/**", "/callback/wecom/**");
    }
}
