package io.kefu.common.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Worked examples of a service's seed APIs, kept next to the code in {@code openapi/examples.json}
 * and put into its OpenAPI document, so an integrator sees real requests and answers in Swagger UI:
 * <pre>{"POST /api/messages/send": {"summary": "…", "request": {…}, "responses": {"202": {…}}}}</pre>
 * Kept in a file rather than in annotations so the controllers stay readable; the readiness contract
 * checks every example against the document (the operation exists, the request's fields are the
 * schema's), so an example cannot drift from the API silently.
 */
final class OpenApiExamples {

    static final String LOCATION = "openapi/examples.json";
    private static final Logger log = LoggerFactory.getLogger(OpenApiExamples.class);

    private final Map<String, JsonNode> examples;

    private OpenApiExamples(Map<String, JsonNode> examples) {
        this.examples = examples;
    }

    static OpenApiExamples load() {
        ClassPathResource file = new ClassPathResource(LOCATION);
        Map<String, JsonNode> examples = new LinkedHashMap<>();
        if (file.exists()) {
            try (InputStream in = file.getInputStream()) {
                JsonMapper.builder().build().readTree(in).properties().forEach(e -> examples.put(e.getKey(), e.getValue()));
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable " + LOCATION, e);
            }
        }
        return new OpenApiExamples(examples);
    }

    void apply(OpenAPI openApi) {
        examples.forEach((key, example) -> {
            String[] parts = key.split(" ", 2);
            PathItem item = parts.length == 2 && openApi.getPaths() != null ? openApi.getPaths().get(parts[1]) : null;
            Operation operation = item == null ? null : item.readOperationsMap().get(method(parts[0]));
            if (operation == null) {
                log.warn("{} has an example for {}, which is no documented operation", LOCATION, key);
                return;
            }
            if (example.hasNonNull("summary") && example.path("summary").isString()) {
                operation.setDescription(example.path("summary").asString());
            }
            if (example.has("request") && operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                operation.getRequestBody().getContent().values().forEach(media -> media.setExample(plain(example.get("request"))));
            }
            example.path("responses").properties().forEach(response -> {
                ApiResponse documented = operation.getResponses() == null ? null : operation.getResponses().get(response.getKey());
                if (documented == null) {
                    return;
                }
                if (documented.getContent() == null || documented.getContent().isEmpty()) {
                    documented.setContent(new Content().addMediaType("application/json", new MediaType()));
                }
                documented.getContent().values().forEach(media -> media.setExample(plain(response.getValue())));
            });
        });
    }

    private static PathItem.HttpMethod method(String name) {
        try {
            return PathItem.HttpMethod.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Jackson 3 trees are not what swagger-core's own (Jackson 2) serializer writes: hand it plain maps and lists. */
    private static Object plain(JsonNode node) {
        return JsonMapper.builder().build().convertValue(node, Object.class);
    }
}
