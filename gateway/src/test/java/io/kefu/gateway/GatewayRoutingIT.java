package io.kefu.gateway;

import java.net.http.HttpResponse;

import io.kefu.gateway.TestTokens.Role;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** The gateway forwards paths to the owning service and never routes /internal/**. */
class GatewayRoutingIT extends GatewayTestSupport {

    @Test
    void aPathReachesTheServiceThatOwnsIt() {
        service("auth").stubFor(get("/api/auth/ping").willReturn(aResponse().withStatus(200).withBody("auth here")));
        service("stats").stubFor(get("/api/stats/overview").willReturn(aResponse().withStatus(200).withBody("stats here")));

        assertThat(call("GET", "/api/auth/ping", TestTokens.token(Role.CUSTOMER)).body()).isEqualTo("auth here");
        assertThat(call("GET", "/api/stats/overview", TestTokens.token(Role.SUPERVISOR)).body()).isEqualTo("stats here");
        service("auth").verify(getRequestedFor(urlEqualTo("/api/auth/ping")));
    }

    @Test
    void internalPathsAreNeverRoutedEvenWithAValidToken() {
        service("auth").stubFor(get("/internal/identities").willReturn(aResponse().withStatus(200).withBody("secret")));

        HttpResponse<String> response = call("GET", "/internal/identities", TestTokens.token(Role.SUPERADMIN));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(problemCode(response)).isEqualTo("not-found");
        assertThat(service("auth").findAll(getRequestedFor(urlEqualTo("/internal/identities")))).isEmpty();
    }

    @Test
    void theGatewayReportsReadyWithoutAToken() {
        HttpResponse<String> response = call("GET", "/readyz", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("UP");
        HttpResponse<String> probe = management("GET", "/actuator/health/readiness", null);
        assertThat(probe.statusCode()).isEqualTo(200);
        assertThat(probe.body()).contains("UP");
    }
}
