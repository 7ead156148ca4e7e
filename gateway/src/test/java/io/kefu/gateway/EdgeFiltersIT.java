package io.kefu.gateway;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.kefu.gateway.TestTokens.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Body size limits, request ids, trace context, CORS and the aggregated API docs. */
class EdgeFiltersIT extends GatewayTestSupport {

    // The shared test context allows 1 KB bodies, 8 KB on /api/upload/**.

    @Test
    void aBodyOverTheLimitIs413AndNeverReachesTheService() {
        HttpResponse<String> response = post("/api/message/m-1", 2048);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(problemCode(response)).isEqualTo("payload-too-large");
        assertThat(response.headers().firstValue("errorMessage")).isEmpty();
        assertThat(service("chat").findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void uploadsMayBeLargerButNotUnbounded() {
        assertThat(post("/api/upload/image", 4096).statusCode()).isEqualTo(200);

        HttpResponse<String> tooLarge = post("/api/upload/image", 16 * 1024);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(problemCode(tooLarge)).isEqualTo("payload-too-large");
        assertThat(service("chat").findAll(anyRequestedFor(anyUrl()))).hasSize(1);
    }

    @Test
    void aWellFormedClientRequestIdIsKeptAndPassedOn() {
        String id = "client-" + UUID.randomUUID();
        HttpResponse<String> response = send(request("/api/tickets/t-1").header("X-Request-Id", id)
                .header("Authorization", "Bearer " + TestTokens.token(Role.PROVIDER)).GET().build());

        assertThat(response.headers().allValues("X-Request-Id")).containsExactly(id);
        assertThat(forwarded("ticket", "/api/tickets/t-1").getHeader("X-Request-Id")).isEqualTo(id);
    }

    @Test
    void aMissingOrMalformedRequestIdIsReplacedByAGeneratedOne() {
        HttpResponse<String> none = call("GET", "/api/tickets/t-1", TestTokens.token(Role.PROVIDER));
        String generated = none.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(UUID.fromString(generated)).isNotNull();
        assertThat(forwarded("ticket", "/api/tickets/t-1").getHeader("X-Request-Id")).isEqualTo(generated);

        HttpResponse<String> malformed = send(request("/api/tickets/t-2").header("X-Request-Id", "x".repeat(300))
                .header("Authorization", "Bearer " + TestTokens.token(Role.PROVIDER)).GET().build());
        assertThat(UUID.fromString(malformed.headers().firstValue("X-Request-Id").orElseThrow())).isNotNull();
    }

    @Test
    void answersTheGatewayGivesItselfCarryARequestIdToo() {
        HttpResponse<String> unauthorized = call("GET", "/api/tickets/t-1", null);

        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.headers().firstValue("X-Request-Id")).isPresent();
    }

    /** A protected path, and a platform callback (served by the public chain): both continue the client's trace. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"/api/tickets/t-1, ticket, true", "/callback/wechat/wx123, chat, false"})
    void theW3cTraceContextIsPassedOnToTheService(String path, String service, boolean withToken) {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        HttpRequest.Builder traced = request(path).header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
        if (withToken) {
            traced.header("Authorization", "Bearer " + TestTokens.token(Role.PROVIDER));
        }
        send(traced.GET().build());

        String traceparent = forwarded(service, path).getHeader("traceparent");
        assertThat(traceparent).startsWith("00-" + traceId + "-").doesNotContain("00f067aa0ba902b7");
    }

    @Test
    void aTraceIsStartedWhenTheClientSentNone() {
        call("GET", "/api/tickets/t-1", TestTokens.token(Role.PROVIDER));

        assertThat(forwarded("ticket", "/api/tickets/t-1").getHeader("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    }

    @Test
    void aCorsPreflightFromAConfiguredOriginIsAllowed() {
        HttpResponse<String> response = preflight("https://console.kefu.test");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://console.kefu.test");
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("DELETE");
        assertThat(service("ticket").findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aCorsPreflightFromAnyOtherOriginIsRefused() {
        HttpResponse<String> response = preflight("https://evil.example");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void anAllowedOriginSeesOneAllowOriginHeaderEvenWhenTheServiceAddsItsOwn() {
        service("ticket").stubFor(get("/api/tickets/t-9").willReturn(okJson("{}")
                .withHeader("Access-Control-Allow-Origin", "https://console.kefu.test")));

        HttpResponse<String> response = send(request("/api/tickets/t-9").header("Origin", "https://console.kefu.test")
                .header("Authorization", "Bearer " + TestTokens.token(Role.PROVIDER)).GET().build());

        assertThat(response.headers().allValues("Access-Control-Allow-Origin")).containsExactly("https://console.kefu.test");
    }

    @Test
    void eachServicesApiDocsAreServedThroughTheGateway() {
        service("ticket").stubFor(get("/v3/api-docs").willReturn(okJson("{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"ticket\"}}")));

        HttpResponse<String> response = call("GET", "/v3/api-docs/ticket", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"title\":\"ticket\"");
        service("ticket").verify(getRequestedFor(urlEqualTo("/v3/api-docs")));
    }

    @Test
    void swaggerUiListsEveryServicesDocs() {
        HttpResponse<String> config = call("GET", "/v3/api-docs/swagger-config", null);

        assertThat(config.statusCode()).isEqualTo(200);
        for (String service : SERVICES.keySet()) {
            assertThat(config.body()).contains("/v3/api-docs/" + service);
        }
        HttpResponse<String> ui = call("GET", "/swagger-ui.html", null);
        assertThat(ui.statusCode()).isIn(200, 302, 307);
    }

    private HttpResponse<String> preflight(String origin) {
        return send(request("/api/tickets/t-1").header("Origin", origin).header("Access-Control-Request-Method", "DELETE")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
    }

    private HttpResponse<String> post(String path, int bytes) {
        return send(request(path).header("Authorization", "Bearer " + TestTokens.token(Role.CUSTOMER))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[bytes])).build());
    }

    private static LoggedRequest forwarded(String service, String path) {
        return service(service).findAll(anyRequestedFor(urlEqualTo(path))).getFirst();
    }
}
