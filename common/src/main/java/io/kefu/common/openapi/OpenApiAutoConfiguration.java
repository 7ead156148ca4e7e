package io.kefu.common.openapi;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.kefu.common.security.KefuSecurityCustomizer;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springdoc.core.customizers.GlobalOperationCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * One OpenAPI shape for every servlet service, so integrators read the same thing everywhere: a real
 * title and version, the bearer scheme (auth-service's tokens) on every operation but the public ones,
 * a summary per operation, the RFC 9457 problem responses each can answer, 201 on creates, and no
 * {@code /internal/**} (service-to-service only). The server is the relative {@code /}: read through
 * the gateway's Swagger UI, "Try it out" calls the gateway that served the document, not the service's
 * own address (which a browser cannot reach and CORS would refuse anyway). Worked examples of the seed
 * APIs come from each service's {@code openapi/examples.json} ({@link OpenApiExamples}).
 */
@AutoConfiguration
@ConditionalOnClass(GlobalOpenApiCustomizer.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class OpenApiAutoConfiguration {

    public static final String BEARER = "bearer";
    public static final String PROBLEM = "Problem";
    static final String PROBLEM_JSON = "application/problem+json";

    /** Always open, besides each service's own public paths (mirrors SecurityAutoConfiguration). */
    private static final List<String> OPEN = List.of("/actuator/health/**", "/actuator/prometheus", "/actuator/info", "/v3/api-docs/**",
            "/swagger-ui/**", "/swagger-ui.html", "/.well-known/**");

    @Bean
    @ConditionalOnMissingBean
    OpenAPI kefuOpenApi(@Value("${spring.application.name}") String application, ObjectProvider<BuildProperties> build) {
        BuildProperties properties = build.getIfAvailable();
        String version = properties != null && properties.getVersion() != null ? properties.getVersion() : "unversioned";
        return new OpenAPI()
                .info(new Info().title("Kefu " + application + " API").version(version)
                        .description("The HTTP API of " + application + ". Call it through the gateway with `Authorization: Bearer <access token>`"
                                + " from auth-service (`POST /api/auth/login`); errors are RFC 9457 problem details (`application/problem+json`)"
                                + " with a stable `code`."))
                .servers(List.of(new Server().url("/").description("the host that served this document (the gateway when read through it)")))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")
                                .description("An access token from auth-service (RS256)"))
                        .addSchemas(PROBLEM, problemSchema()));
    }

    @Bean
    GlobalOperationCustomizer kefuOperationShape() {
        return (operation, handler) -> {
            if (operation.getSummary() == null || operation.getSummary().isBlank()) {
                operation.setSummary(summaryOf(handler.getMethod()));
            }
            if (creates(handler.getMethod()) && operation.getResponses() != null && operation.getResponses().containsKey("200")
                    && !operation.getResponses().containsKey("201")) {
                ApiResponse ok = operation.getResponses().remove("200");
                operation.getResponses().addApiResponse("201", ok.description("Created"));
            }
            return operation;
        };
    }

    @Bean
    GlobalOpenApiCustomizer kefuOpenApiShape(ObjectProvider<KefuSecurityCustomizer> customizers) {
        List<String> open = new ArrayList<>(OPEN);
        customizers.orderedStream().forEach(c -> open.addAll(c.publicPaths()));
        AntPathMatcher matcher = new AntPathMatcher();
        OpenApiExamples examples = OpenApiExamples.load();
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            // Here too: springdoc drops component schemas that nothing referenced before the customizers ran.
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            if (openApi.getComponents().getSchemas() == null || !openApi.getComponents().getSchemas().containsKey(PROBLEM)) {
                openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            }
            openApi.getPaths().keySet().removeIf(path -> path.equals("/internal") || path.startsWith("/internal/"));
            if (openApi.getTags() != null) {
                openApi.getTags().removeIf(tag -> "internal".equals(tag.getName()));
            }
            openApi.getPaths().forEach((path, item) -> {
                boolean isPublic = open.stream().anyMatch(pattern -> matcher.match(pattern, path));
                item.readOperationsMap().forEach((method, operation) -> shape(path, method, operation, isPublic));
            });
            examples.apply(openApi);
        };
    }

    private static void shape(String path, PathItem.HttpMethod method, Operation operation, boolean isPublic) {
        if (isPublic) {
            operation.setSecurity(List.of()); // open: a token is neither needed nor looked at
        } else {
            operation.setSecurity(List.of(new SecurityRequirement().addList(BEARER)));
        }
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        Map<String, String> errors = new LinkedHashMap<>();
        errors.put("400", "validation-failed or malformed-request: the request is not valid (`errors[]` names each field)");
        if (!isPublic) {
            errors.put("401", "unauthorized, token-expired or token-revoked: no valid bearer token");
            errors.put("403", "forbidden: the token's roles do not allow this");
        }
        if (path.contains("{")) {
            errors.put("404", "not-found: nothing with this id is visible to the caller");
        }
        if (method != PathItem.HttpMethod.GET && method != PathItem.HttpMethod.HEAD) {
            errors.put("409", "conflict: the change collides with the current state (a duplicate, a concurrent change)");
        }
        errors.put("429", "rate-limited: too many requests; retry later");
        errors.put("500", "internal-error: an unexpected failure (no internals in the body)");
        errors.forEach((status, description) -> {
            if (!responses.containsKey(status)) {
                responses.addApiResponse(status, problem(description));
            }
        });
        operation.setResponses(responses);
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse().description(description)
                .content(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema<?> problemSchema() {
        ObjectSchema error = new ObjectSchema();
        error.addProperty("field", new StringSchema().example("name"));
        error.addProperty("message", new StringSchema().example("must not be blank"));
        Schema problem = new ObjectSchema().description("RFC 9457 problem details, as every Kefu service and the gateway answer errors");
        problem.addProperty("type", new StringSchema().example("https://kefu.io/problems/validation-failed"));
        problem.addProperty("title", new StringSchema().example("Validation failed"));
        problem.addProperty("status", new IntegerSchema().example(400));
        problem.addProperty("detail", new StringSchema().example("Some fields are not valid"));
        problem.addProperty("instance", new StringSchema().example("/api/admin/staff"));
        problem.addProperty("code", new StringSchema().example("validation-failed").description("stable, for programs"));
        problem.addProperty("errors", new ArraySchema().items(error).description("with validation-failed: each refused field"));
        problem.setRequired(List.of("type", "title", "status", "code"));
        return problem;
    }

    /** A POST that creates something: answered 201 whether by {@code @ResponseStatus} or {@code ResponseEntity.created}. */
    static boolean creates(Method method) {
        ResponseStatus status = AnnotatedElementUtils.findMergedAnnotation(method, ResponseStatus.class);
        if (status != null) {
            return status.code() == HttpStatus.CREATED;
        }
        boolean post = AnnotatedElementUtils.hasAnnotation(method, PostMapping.class) || java.util.Arrays.asList(
                java.util.Optional.ofNullable(AnnotatedElementUtils.findMergedAnnotation(method, RequestMapping.class))
                        .map(RequestMapping::method).orElse(new RequestMethod[0])).contains(RequestMethod.POST);
        String name = method.getName();
        return post && ResponseEntity.class.isAssignableFrom(method.getReturnType())
                && (name.startsWith("create") || name.startsWith("upload") || name.startsWith("register"));
    }

    /** {@code createTenant} → "Create tenant"; a one-word method takes its controller's noun: {@code TenantController.create} → "Create tenant". */
    static String summaryOf(Method method) {
        String words = humanize(method.getName());
        if (!words.contains(" ")) {
            String noun = method.getDeclaringClass().getSimpleName().replaceAll("(Controller|Controllers|Web|Api|Resource)$", "");
            if (!noun.isBlank()) {
                words = words + " " + humanize(noun);
            }
        }
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    private static String humanize(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }
}
