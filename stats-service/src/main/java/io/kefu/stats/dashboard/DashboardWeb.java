package io.kefu.stats.dashboard;

import java.util.List;

import io.kefu.common.security.KefuSecurityCustomizer;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The dashboard page: its static files (HTML, script, style, and ECharts from its WebJar) are open,
 * since they hold no data; every figure comes from {@code /api/stats/**}, which needs a supervisor's
 * (or admin's, or the superadmin's) token — agents get 403.
 */
@Configuration(proxyBeanMethods = false)
class DashboardWeb implements WebMvcConfigurer, KefuSecurityCustomizer {

    static final String ECHARTS = "classpath:/META-INF/resources/webjars/echarts/5.3.1/dist/";

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/dashboard/lib/echarts/**").addResourceLocations(ECHARTS);
    }

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addViewController("/dashboard/").setViewName("forward:/dashboard/index.html");
    }

    /** The page's address (a mapped endpoint, so the README's routes table and the service agree on it). */
    @org.springframework.stereotype.Controller
    static class Page {

        @org.springframework.web.bind.annotation.GetMapping("/dashboard")
        String dashboard() {
            return "forward:/dashboard/index.html";
        }
    }

    @Override
    public List<String> publicPaths() {
        return List.of("/dashboard", "/dashboard/**");
    }

    @Override
    public void authorize(AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry requests) {
        requests.requestMatchers("/api/stats/**").hasRole("supervisor");
    }
}
