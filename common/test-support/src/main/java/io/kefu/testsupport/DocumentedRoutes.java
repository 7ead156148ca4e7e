package io.kefu.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.DynamicTest;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service's README routes table (its {@code <!-- routes -->} … {@code <!-- /routes -->} block) held
 * against the running service: every documented route is served, every endpoint served is documented,
 * and every role the table does not list for a route is refused by the service itself (401, 403 or
 * 404) — the gateway's {@code DocumentedRoutesIT} checks the other half (every listed role gets
 * through the gateway). Together they keep the gateway's rules, the services' own checks and the docs
 * from drifting apart. {@link ServiceReadinessContract} runs it for every service. (The gateway reads
 * the same tables with a reader of its own: it is reactive and stays off this servlet-based support.)
 */
public final class DocumentedRoutes {

    private static final Pattern TABLE = Pattern.compile("<!-- routes.*?-->(.*?)<!-- /routes -->", Pattern.DOTALL);
    private static final Set<String> KNOWN = Set.of("public", "authenticated", "customer", "agent", "supervisor", "admin", "provider",
            "superadmin");

    /** The roles a caller may hold, as auth issues them: admin ⊃ supervisor ⊃ agent; superadmin passes every check. */
    public enum Role {
        CUSTOMER("customer", List.of("customer")),
        AGENT("staff", List.of("agent")),
        SUPERVISOR("staff", List.of("supervisor", "agent")),
        ADMIN("staff", List.of("admin", "supervisor", "agent")),
        PROVIDER("provider", List.of("provider")),
        SUPERADMIN("superadmin", List.of("superadmin"));

        final String type;
        final List<String> roles;

        Role(String type, List<String> roles) {
            this.type = type;
            this.roles = roles;
        }
    }

    /** One row: who may call {@code method path}. */
    public record Route(String method, String path, Set<String> roles) {

        /** What the README promises a caller of {@code role}. */
        public boolean promises(Role role) {
            return roles.contains("public") || roles.contains("authenticated") || role == Role.SUPERADMIN
                    || role.roles.stream().anyMatch(roles::contains);
        }

        @Override
        public String toString() {
            return method + " " + path + " " + roles;
        }
    }

    private DocumentedRoutes() {
    }

    /** The rows of every routes table in {@code readme}. */
    public static List<Route> read(Path readme) {
        String text;
        try {
            text = Files.readString(readme);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Route> routes = new ArrayList<>();
        Matcher table = TABLE.matcher(text);
        while (table.find()) {
            for (String line : table.group(1).split("\n")) {
                String[] cells = line.trim().split("\\|");
                if (cells.length < 4 || !line.trim().startsWith("|") || cells[1].trim().equals("method") || cells[1].contains("---")) {
                    continue;
                }
                String path = cells[2].trim().replace("`", "");
                Set<String> roles = Set.copyOf(Arrays.stream(cells[3].split(",")).map(String::trim).filter(r -> !r.isEmpty()).toList());
                for (String method : cells[1].split(",")) {
                    routes.add(new Route(method.trim(), path, roles));
                }
            }
        }
        return routes;
    }

    /**
     * The checks for the service of {@code context} listening at {@code base}, documented in
     * {@code readme}; {@code tokens} makes a token of a type and roles the service accepts.
     */
    public static List<DynamicTest> checks(ApplicationContext context, URI base, Path readme, BiFunction<String, List<String>, String> tokens) {
        List<Route> routes = read(readme);
        Map<String, HandlerMethod> served = served(context);
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest(readme + " documents the service's routes", () -> {
            assertThat(routes).as("the routes table of " + readme).isNotEmpty();
            assertThat(routes).allSatisfy(r -> assertThat(KNOWN).as(r.toString()).containsAll(r.roles()));
        }));
        tests.add(DynamicTest.dynamicTest("every endpoint the service serves is in its README", () -> {
            Set<String> documented = new java.util.HashSet<>();
            routes.forEach(r -> documented.add(key(r.method(), r.path())));
            assertThat(served.keySet()).as("served but not in the routes table of " + readme).allSatisfy(k -> assertThat(documented).contains(k));
        }));
        Map<Role, String> tokenOf = new LinkedHashMap<>();
        for (Role role : Role.values()) {
            tokenOf.put(role, tokens.apply(role.type, role.roles));
        }
        for (Route route : routes) {
            HandlerMethod handler = served.get(key(route.method(), route.path()));
            tests.add(DynamicTest.dynamicTest(route + ": served, and refused to the roles not listed", () -> {
                assertThat(handler).as(route + " is documented but the service serves no such endpoint").isNotNull();
                if (route.roles().contains("public") || route.roles().contains("authenticated")) {
                    return;
                }
                BadInput.Probe request = BadInput.plausible(route.method(), mappedPattern(context, route), handler);
                Role allowed = Arrays.stream(Role.values()).filter(route::promises).findFirst().orElseThrow();
                for (Role role : Role.values()) {
                    if (route.promises(role)) {
                        continue;
                    }
                    HttpResponse<String> answer = request.send(base, tokenOf.get(role));
                    int status = answer.statusCode();
                    if (status == 401 || status == 403 || status == 404) {
                        continue;
                    }
                    if (status == 400 || status == 415) {
                        // The request is refused before anyone's role counts; it must be so for a caller the table allows too.
                        int allowedStatus = request.send(base, tokenOf.get(allowed)).statusCode();
                        assertThat(allowedStatus).as("%s: %s got %d (%s) while %s gets %d", route, role, status, answer.body(), allowed, allowedStatus)
                                .isIn(400, 415);
                        continue;
                    }
                    throw new AssertionError(route + ": a " + role + " token, which the README does not list, got " + status + ": "
                            + answer.body());
                }
            }));
        }
        return tests;
    }

    /** {@code METHOD /path/{}} of every endpoint mapped, but the internal, actuator, docs and error ones. */
    private static Map<String, HandlerMethod> served(ApplicationContext context) {
        Map<String, HandlerMethod> served = new LinkedHashMap<>();
        for (RequestMappingHandlerMapping mapping : context.getBeansOfType(RequestMappingHandlerMapping.class).values()) {
            for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
                for (String pattern : entry.getKey().getPatternValues()) {
                    if (ignored(pattern)) {
                        continue;
                    }
                    Set<RequestMethod> methods = entry.getKey().getMethodsCondition().getMethods();
                    for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                        served.put(key(method.name(), pattern), entry.getValue());
                    }
                }
            }
        }
        return served;
    }

    private static String mappedPattern(ApplicationContext context, Route route) {
        for (RequestMappingHandlerMapping mapping : context.getBeansOfType(RequestMappingHandlerMapping.class).values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                for (String pattern : info.getPatternValues()) {
                    if (key(route.method(), pattern).equals(key(route.method(), route.path()))) {
                        return pattern;
                    }
                }
            }
        }
        return route.path();
    }

    static boolean ignored(String pattern) {
        return pattern.startsWith("/internal") || pattern.startsWith("/actuator") || pattern.startsWith("/v3/api-docs")
                || pattern.startsWith("/swagger-ui") || pattern.equals("/error");
    }

    private static String key(String method, String path) {
        return method.toUpperCase(java.util.Locale.ROOT) + " " + path.replaceAll("\\{[^}]+}", "{}");
    }
}
