package io.kefu.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every Kefu service must show once started against the real infrastructure: liveness and
 * readiness, Prometheus metrics, its own schema migrated by Flyway with the event tables, OpenAPI
 * docs, and problem details for an unknown path (401 without a token, 404 with one) and a guarded
 * {@code /internal/**}, a NUL character anywhere in any endpoint's text answered with a 4xx, and
 * hostile values anywhere never answered with a 5xx ({@link BadInput}). A service's test extends it under
 * {@code @KefuIntegrationTest(webEnvironment = RANDOM_PORT)}.
 */
public abstract class ServiceReadinessContract {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final String schema;

    @Autowired
    private Environment environment;

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private ApplicationContext context;

    protected ServiceReadinessContract(String schema) {
        this.schema = schema;
    }

    @Test
    void livenessAndReadinessAreUp() throws Exception {
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    }

    @Test
    void prometheusMetricsIncludeTheOutboxAndTheApplicationTag() throws Exception {
        HttpResponse<String> metrics = get("/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("kefu_outbox_pending")
                .contains("application=\"" + environment.getProperty("spring.application.name") + "\"");
    }

    @Test
    void flywayMigratedTheServicesOwnSchemaWithTheEventTables() {
        Integer tables = jdbc.queryForObject("""
                select count(*) from information_schema.tables
                where table_schema = ? and table_name in ('kefu_outbox', 'kefu_inbox', 'flyway_schema_history')""",
                Integer.class, schema);
        assertThat(tables).isEqualTo(3);
        assertThat(jdbc.queryForObject("select current_schema()", String.class)).isEqualTo(schema);
    }

    @Test
    void anUnknownPathWithoutATokenIsAProblemDetail401() throws Exception {
        HttpResponse<String> response = get("/no/such/path");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("application/problem+json"));
        assertThat(response.body()).contains("\"code\":\"unauthorized\"").contains("https://kefu.io/problems/unauthorized");
    }

    @Test
    void anUnknownPathWithAValidTokenIsAProblemDetail404() throws Exception {
        String token = validBearerToken();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/no/such/path"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("application/problem+json"));
        assertThat(response.body()).contains("\"code\":\"not-found\"");
    }

    @Test
    void internalApisRefuseCallersWithoutTheInternalToken() throws Exception {
        HttpResponse<String> response = get("/internal/no-such-api");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"code\":\"unauthorized\"");
    }

    /**
     * Services check tokens against {@link TestTokens}' key unless they verify with keys of their own
     * (auth-service does, and overrides {@link #validBearerToken()}).
     */
    @DynamicPropertySource
    static void testTokenIssuer(DynamicPropertyRegistry registry) {
        registry.add("kefu.security.jwk-set-uri", TestTokens::jwkSetUri);
    }

    /** An access token this service accepts. */
    protected String validBearerToken() throws Exception {
        return TestTokens.token(UUID.randomUUID().toString(), UUID.randomUUID().toString(), "staff", List.of("agent"));
    }

    /**
     * The service started, so its consumers agree with their bindings (kefu-common's ConsumerBindings refuses
     * to start otherwise); said here again, and each consumed type's data record reads its producer's
     * committed sample with every required field present. A service without consumers passes both.
     */
    @Test
    void everyConsumerAgreesWithItsBindingAndReadsItsProducersSamples() throws Exception {
        if (!context.containsBean("kefuConsumerBindings")) {
            assertThat(environment.getProperty("spring.cloud.function.definition", "")).as("consumers without kefu's event machinery").isBlank();
            return; // no event machinery, so no consumer
        }
        Object bindings = context.getBean("kefuConsumerBindings");
        assertThat((List<?>) bindings.getClass().getMethod("disagreements").invoke(bindings)).as("consumers vs. their bindings").isEmpty();
        Map<?, ?> declarations = (Map<?, ?>) bindings.getClass().getMethod("declarations").invoke(bindings);
        for (Map.Entry<?, ?> consumer : declarations.entrySet()) {
            Object declaration = consumer.getValue();
            String producer = (String) declaration.getClass().getMethod("producer").invoke(declaration);
            Map<?, ?> types = (Map<?, ?>) declaration.getClass().getMethod("types").invoke(declaration);
            for (Map.Entry<?, ?> type : types.entrySet()) {
                EventContracts.assertConsumerReads(EventContracts.contractsOf(producer), (String) type.getKey(), (Class<?>) type.getValue());
            }
        }
    }

    /**
     * A NUL character (U+0000) in each string field of each JSON body, each string query parameter and
     * each path variable of every endpoint this service maps ({@link BadInput}): always a 4xx, never a
     * 5xx or an effect. Sent with a customer, a staff admin, a provider and a superadmin token in turn
     * (the first that passes the role checks counts).
     */
    @org.junit.jupiter.api.TestFactory
    java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> aNulInAnyTextIsRefusedWithA4xxNeverA5xx() throws Exception {
        return checks(BadInput.nulProbes(context));
    }

    /**
     * Hostile values in every node of every body, every query parameter and every path variable of every
     * endpoint, and bodies that are not what the endpoint takes ({@link BadInput#hostileProbes}): never a 5xx.
     */
    @org.junit.jupiter.api.TestFactory
    java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> hostileValuesAnywhereAreNeverA5xx() throws Exception {
        return checks(BadInput.hostileProbes(context));
    }

    /**
     * The routes table of this module's README against the running service ({@link DocumentedRoutes}):
     * every documented route served, every served endpoint documented, every role not listed refused.
     */
    @org.junit.jupiter.api.TestFactory
    java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> theReadmesRoutesAreServedAndRefusedToTheRolesNotListed() {
        return DocumentedRoutes.checks(context, uri("/"), java.nio.file.Path.of("README.md"), (type, roles) -> {
            try {
                return token(type, roles);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).stream();
    }

    /** One dynamic test per probe, each sent as every kind of caller until one gets past the role checks. */
    private java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> checks(List<BadInput.Probe> probes) throws Exception {
        List<String> tokens = everyKindOfCaller();
        URI base = uri("/");
        return probes.stream().map(probe -> org.junit.jupiter.api.DynamicTest.dynamicTest(probe.toString(), () -> probe.check(base, tokens)));
    }

    /** A token of each kind of caller (customer, staff with every role, provider, superadmin): a probe is sent with each until one gets past the role checks. */
    private List<String> everyKindOfCaller() throws Exception {
        return List.of(token("customer", List.of("customer")), token("staff", List.of("agent", "supervisor", "admin")),
                token("provider", List.of("provider")), token("superadmin", List.of("superadmin")));
    }

    /** A token of this type and roles, all of one tenant; auth-service, which signs its own, overrides it. */
    protected String token(String type, List<String> roles) throws Exception {
        return TestTokens.token(UUID.randomUUID().toString(), badInputTenant.toString(), type, roles);
    }

    private final UUID badInputTenant = UUID.randomUUID();

    @Test
    void openApiDocsAreServed() throws Exception {
        HttpResponse<String> docs = get("/v3/api-docs");
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("\"openapi\"");
    }

    /**
     * The OpenAPI document is one integrators can use (common's OpenApiAutoConfiguration): a real title and
     * version, the bearer scheme, the relative server {@code /} (so the gateway's Swagger UI calls the
     * gateway), no {@code /internal/**}, and per operation a summary, the problem responses it can
     * answer, the bearer requirement unless it is public, and 201 on creates.
     */
    @Test
    void theOpenApiDocumentGivesIntegratorsTitleVersionBearerSummariesProblemsAndNoInternalApis() throws Exception {
        tools.jackson.databind.JsonNode doc = tools.jackson.databind.json.JsonMapper.builder().build().readTree(get("/v3/api-docs").body());
        String application = environment.getProperty("spring.application.name");
        assertThat(doc.path("info").path("title").asString()).isEqualTo("Kefu " + application + " API");
        assertThat(doc.path("info").path("version").asString()).isNotBlank().isNotEqualTo("v0");
        tools.jackson.databind.JsonNode bearer = doc.path("components").path("securitySchemes").path("bearer");
        assertThat(bearer.path("type").asString()).isEqualTo("http");
        assertThat(bearer.path("scheme").asString()).isEqualTo("bearer");
        assertThat(doc.path("servers")).as("relative: the host that served the document").hasSize(1);
        assertThat(doc.path("servers").get(0).path("url").asString()).isEqualTo("/");
        assertThat(doc.path("components").path("schemas").path("Problem").path("properties").has("code"))
                .as("the Problem schema in %s", doc.path("components")).isTrue();
        assertThat(doc.path("paths").size()).as("documented paths").isPositive();
        List<String> problems = new java.util.ArrayList<>();
        doc.path("paths").properties().forEach(path -> {
            if (path.getKey().startsWith("/internal")) {
                problems.add(path.getKey() + " is internal (service-to-service) and must not be documented");
            }
            path.getValue().properties().forEach(op -> {
                if (!java.util.Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(op.getKey())) {
                    return;
                }
                String where = op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey();
                tools.jackson.databind.JsonNode operation = op.getValue();
                tools.jackson.databind.JsonNode responses = operation.path("responses");
                if (operation.path("summary").asString("").isBlank()) {
                    problems.add(where + " has no summary");
                }
                if (!responses.path("400").path("content").has("application/problem+json")
                        || !responses.path("500").path("content").has("application/problem+json")) {
                    problems.add(where + " documents no problem-details errors");
                }
                boolean secured = !operation.has("security") || !operation.path("security").isEmpty();
                if (secured && (!responses.has("401") || !operation.path("security").toString().contains("bearer"))) {
                    problems.add(where + " needs a token but documents no bearer requirement and 401");
                }
                String id = operation.path("operationId").asString("").replaceAll("_\\d+$", "");
                if ("post".equals(op.getKey()) && (id.startsWith("create") || id.startsWith("upload")) && !responses.has("201")) {
                    problems.add(where + " (" + id + ") creates but documents no 201");
                }
            });
        });
        assertThat(problems).isEmpty();
    }

    /**
     * The worked examples of the service's seed APIs ({@code openapi/examples.json}, common's OpenApiExamples)
     * are in its document and match it: each names a documented operation, its request uses only the
     * fields of the operation's request schema, and each example answer is a documented status.
     */
    @Test
    void theWorkedExamplesOfTheSeedApisAreInTheDocumentAndUseItsFields() throws Exception {
        tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
        org.springframework.core.io.ClassPathResource file = new org.springframework.core.io.ClassPathResource("openapi/examples.json");
        assertThat(file.exists()).as("openapi/examples.json: worked examples of the service's seed APIs").isTrue();
        tools.jackson.databind.JsonNode examples;
        try (var in = file.getInputStream()) {
            examples = json.readTree(in);
        }
        assertThat(examples.size()).as("examples").isPositive();
        tools.jackson.databind.JsonNode doc = json.readTree(get("/v3/api-docs").body());
        List<String> problems = new java.util.ArrayList<>();
        examples.properties().forEach(e -> {
            String[] parts = e.getKey().split(" ", 2);
            tools.jackson.databind.JsonNode operation = parts.length < 2 ? null
                    : doc.path("paths").path(parts[1]).get(parts[0].toLowerCase(java.util.Locale.ROOT));
            if (operation == null) {
                problems.add(e.getKey() + ": no such operation in the document");
                return;
            }
            tools.jackson.databind.JsonNode request = e.getValue().get("request");
            if (request != null) {
                tools.jackson.databind.JsonNode media = operation.path("requestBody").path("content").path("application/json");
                if (!media.has("example")) {
                    problems.add(e.getKey() + ": the request example is not in the document (no JSON body?)");
                }
                tools.jackson.databind.JsonNode schema = resolve(doc, media.path("schema"));
                if (request.isObject() && schema.has("properties")) {
                    request.propertyNames().forEach(field -> {
                        if (!schema.path("properties").has(field)) {
                            problems.add(e.getKey() + ": request field '" + field + "' is not in the schema " + schema.path("properties").propertyNames());
                        }
                    });
                }
            }
            e.getValue().path("responses").propertyNames().forEach(status -> {
                if (!operation.path("responses").has(status)) {
                    problems.add(e.getKey() + ": example answer " + status + " is not a documented status " + operation.path("responses").propertyNames());
                }
            });
        });
        assertThat(problems).isEmpty();
    }

    private static tools.jackson.databind.JsonNode resolve(tools.jackson.databind.JsonNode doc, tools.jackson.databind.JsonNode schema) {
        String ref = schema.path("$ref").asString("");
        return ref.startsWith("#/components/schemas/") ? doc.path("components").path("schemas").path(ref.substring("#/components/schemas/".length())) : schema;
    }

    protected HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port") + path);
    }
}
