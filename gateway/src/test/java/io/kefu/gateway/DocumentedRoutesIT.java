package io.kefu.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.kefu.gateway.TestTokens.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route a service README documents (its {@code <!-- routes -->} table), walked through the gateway
 * with each role and without a token: every role the README lists gets through to that service, and an
 * anonymous caller only where the route is {@code public}. Roles the README does not list may be stopped
 * here or by the service (the service's own test checks it refuses them); so the gateway can never be
 * stricter than what the services offer, which is how customers lost their queue position. A new service
 * adds its table to its README and is covered here without touching this test.
 */
class DocumentedRoutesIT extends GatewayTestSupport {

    /** One row of a README table: who may call {@code method path}, served by {@code service}. */
    record Route(String service, String method, String path, Set<String> roles) {

        boolean isPublic() {
            return roles.contains("public");
        }

        /** The README's promise for a token of this role (hierarchy and superadmin applied as documented). */
        boolean promises(Role role) {
            return isPublic() || roles.contains("authenticated") || role == Role.SUPERADMIN
                    || role.roles.stream().anyMatch(roles::contains);
        }

        @Override
        public String toString() {
            return service + ": " + method + " " + path + " " + roles;
        }
    }

    private static final java.util.Map<Role, String> TOKENS = new java.util.concurrent.ConcurrentHashMap<>();

    private static final Pattern TABLE = Pattern.compile("<!-- routes.*?-->(.*?)<!-- /routes -->", Pattern.DOTALL);

    static List<Route> documentedRoutes() {
        List<Route> routes = new ArrayList<>();
        try (Stream<Path> modules = Files.list(Path.of("..").toAbsolutePath().normalize())) {
            for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
                Path readme = module.resolve("README.md");
                if (!Files.isRegularFile(readme)) {
                    continue;
                }
                String service = module.getFileName().toString().replaceFirst("-service$", "");
                Matcher table = TABLE.matcher(Files.readString(readme));
                while (table.find()) {
                    for (String line : table.group(1).split("\n")) {
                        String[] cells = line.trim().split("\\|");
                        if (cells.length < 4 || !line.trim().startsWith("|") || cells[1].trim().equals("method") || cells[1].contains("---")) {
                            continue;
                        }
                        String path = cells[2].trim().replace("`", "");
                        Set<String> roles = Set.copyOf(Arrays.stream(cells[3].split(",")).map(String::trim).filter(r -> !r.isEmpty()).toList());
                        for (String method : cells[1].split(",")) {
                            routes.add(new Route(service, method.trim(), path, roles));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return routes;
    }

    @Test
    void theReadmesDocumentRoutesOfEveryService() {
        List<Route> routes = documentedRoutes();
        assertThat(routes).extracting(Route::service).contains("auth", "chat", "routing", "push", "ticket", "kb-ai", "stats");
        assertThat(routes).anyMatch(r -> r.path().equals("/api/queue/position") && r.roles().contains("customer"));
        Set<String> known = Set.of("public", "authenticated", "customer", "agent", "supervisor", "admin", "provider", "superadmin");
        assertThat(routes).allSatisfy(r -> assertThat(known).containsAll(r.roles()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedRoutes")
    void theGatewayLetsThroughEveryoneTheReadmePromises(Route route) {
        String path = route.path().replaceAll("\\{[^}]+}", "x1");
        HttpResponse<String> anonymous = call(route, path, null);
        if (route.isPublic()) {
            assertThat(anonymous.statusCode()).as("anonymous %s", route).isEqualTo(200);
            assertReached(route, anonymous);
        } else {
            assertThat(anonymous.statusCode()).as("anonymous %s", route).isEqualTo(401);
        }
        for (Role role : Role.values()) {
            HttpResponse<String> response = call(route, path, TOKENS.computeIfAbsent(role, TestTokens::token));
            if (route.promises(role)) {
                assertThat(response.statusCode()).as("%s %s: %s", role, route, response.body()).isEqualTo(200);
                assertReached(route, response);
            } else {
                // Stopped here (403), or passed on for the service to refuse (its DocumentedRoutes test).
                assertThat(response.statusCode()).as("%s %s: %s", role, route, response.body()).isIn(200, 403);
            }
        }
    }

    /** WireMock answers with the service's name (auth also serves the test JWKS on its own path). */
    private static void assertReached(Route route, HttpResponse<String> response) {
        if (!route.path().equals("/.well-known/jwks.json")) {
            assertThat(response.body()).as("%s reaches its service", route).isEqualTo(route.service());
        }
    }

    private HttpResponse<String> call(Route route, String path, String token) {
        HttpRequest.Builder request = request(path).method(route.method(), route.method().equals("GET") || route.method().equals("DELETE")
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
        if (!route.method().equals("GET") && !route.method().equals("DELETE")) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }
}
