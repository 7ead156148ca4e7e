package io.kefu.testsupport;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import org.springframework.context.ApplicationContext;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Bad input sent to every endpoint a service maps (read from its {@code RequestMappingHandlerMapping},
 * never a hand-written list, so a new endpoint is covered the day it is added): a NUL character (U+0000)
 * in each string field of each JSON body, in each string query parameter and in each path variable.
 * Every answer must be a 4xx (a 401/403 from the role checks counts: the text was never used) — never
 * a 5xx, never a 2xx (an effect), never silence. {@link ServiceReadinessContract} runs it for every
 * service; a test may also call {@link #nulProbes} itself.
 */
public final class BadInput {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String NUL_TEXT = "a" + (char) 0 + "b";

    private BadInput() {
    }

    /** One request carrying a NUL somewhere: what it targets, and how to send it. */
    public record Probe(String method, String path, String where, String contentType, String body) {

        @Override
        public String toString() {
            return method + " " + path.replace(String.valueOf((char) 0), "\\0") + " (NUL in " + where + ")";
        }

        /**
         * Sends it with each token in turn until one gets past the role checks (else the last answer
         * counts) and checks the answer: a 4xx, never a 5xx or a 2xx.
         */
        public void check(URI base, List<String> tokens) {
            HttpResponse<String> last = null;
            for (String token : tokens) {
                last = send(base, token);
                if (last.statusCode() != 401 && last.statusCode() != 403) {
                    break;
                }
            }
            if (last == null) {
                throw new AssertionError(this + ": no token to send it with");
            }
            if (last.statusCode() < 400 || last.statusCode() >= 500) {
                throw new AssertionError(this + " answered " + last.statusCode() + ": " + last.body());
            }
        }

        HttpResponse<String> send(URI base, String token) {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            try {
                return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new AssertionError(this + ": no answer (" + e + ")", e);
            }
        }
    }

    /** Every probe for every endpoint of the application but {@code /internal/**}, {@code /actuator/**} and the API docs. */
    public static List<Probe> nulProbes(ApplicationContext context) {
        List<Probe> probes = new ArrayList<>();
        for (RequestMappingHandlerMapping mapping : context.getBeansOfType(RequestMappingHandlerMapping.class).values()) {
            for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
                for (String pattern : entry.getKey().getPatternValues()) {
                    if (DocumentedRoutes.ignored(pattern)) {
                        continue;
                    }
                    Set<RequestMethod> methods = entry.getKey().getMethodsCondition().getMethods();
                    for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET, RequestMethod.POST) : methods) {
                        probes.addAll(probes(method.name(), pattern, entry.getValue(), entry.getKey()));
                    }
                }
            }
        }
        return probes;
    }

    /**
     * A request to {@code pattern} with plausible values everywhere (UUIDs, "x", 1, the first enum
     * constant) and no NUL: what {@link DocumentedRoutes} sends to check who may call an endpoint.
     */
    static Probe plausible(String method, String pattern, HandlerMethod handler) {
        Map<String, String> pathValues = new LinkedHashMap<>();
        Map<String, String> queryValues = new LinkedHashMap<>();
        Type bodyType = null;
        for (MethodParameter parameter : handler.getMethodParameters()) {
            Class<?> type = parameter.getParameterType();
            PathVariable variable = parameter.getParameterAnnotation(PathVariable.class);
            RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
            if (variable != null) {
                String name = nameOf(variable.name(), variable.value(), parameter);
                pathValues.put(name, scalar(type));
            } else if (param != null && param.required() && param.defaultValue().equals(org.springframework.web.bind.annotation.ValueConstants.DEFAULT_NONE)) {
                String name = nameOf(param.name(), param.value(), parameter);
                if (name != null && !Map.class.isAssignableFrom(type) && !org.springframework.web.multipart.MultipartFile.class.isAssignableFrom(type)) {
                    queryValues.put(name, scalar(type));
                }
            } else if (parameter.hasParameterAnnotation(RequestBody.class)) {
                bodyType = parameter.getGenericParameterType();
            }
        }
        String body = bodyType == null ? null : JSON.writeValueAsString(sample(bodyType, "", 0, l -> { }, null));
        return new Probe(method, expand(pattern, pathValues) + query(queryValues), "nothing", body == null ? null : "application/json", body);
    }

    private static String nameOf(String name, String value, MethodParameter parameter) {
        return !name.isEmpty() ? name : !value.isEmpty() ? value : parameter.getParameterName();
    }

    private static List<Probe> probes(String method, String pattern, HandlerMethod handler, RequestMappingInfo info) {
        List<Probe> probes = new ArrayList<>();
        Map<String, String> pathValues = new LinkedHashMap<>();
        Map<String, String> queryValues = new LinkedHashMap<>();
        List<String> textParams = new ArrayList<>();
        List<String> textVariables = new ArrayList<>();
        Type bodyType = null;
        boolean multipart = info.getConsumesCondition().getConsumableMediaTypes().stream()
                .anyMatch(m -> m.getSubtype().contains("form-data"));
        for (MethodParameter parameter : handler.getMethodParameters()) {
            Class<?> type = parameter.getParameterType();
            PathVariable variable = parameter.getParameterAnnotation(PathVariable.class);
            RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
            if (variable != null) {
                String name = nameOf(variable.name(), variable.value(), parameter);
                pathValues.put(name, scalar(type));
                if (type == String.class) {
                    textVariables.add(name);
                }
            } else if (param != null && !multipart) {
                String name = nameOf(param.name(), param.value(), parameter);
                if (name == null || Map.class.isAssignableFrom(type)) {
                    continue;
                }
                queryValues.put(name, scalar(type));
                if (type == String.class || Collection.class.isAssignableFrom(type)) {
                    textParams.add(name);
                }
            } else if (parameter.hasParameterAnnotation(RequestBody.class)) {
                bodyType = parameter.getGenericParameterType();
            }
        }
        String query = query(queryValues);
        for (String name : textVariables) {
            Map<String, String> values = new LinkedHashMap<>(pathValues);
            values.put(name, NUL_TEXT);
            probes.add(new Probe(method, expand(pattern, values) + query, "path variable " + name, null, null));
        }
        for (String name : textParams) {
            Map<String, String> values = new LinkedHashMap<>(queryValues);
            values.put(name, NUL_TEXT);
            probes.add(new Probe(method, expand(pattern, pathValues) + query(values), "query parameter " + name, null, null));
        }
        if (bodyType != null) {
            String path = expand(pattern, pathValues) + query;
            List<String> leaves = new ArrayList<>();
            sample(bodyType, "", 0, leaves::add, null);
            for (String leaf : leaves) {
                JsonNode body = sample(bodyType, "", 0, l -> { }, leaf);
                probes.add(new Probe(method, path, "body " + (leaf.isEmpty() ? "(the whole body)" : leaf), "application/json",
                        JSON.writeValueAsString(body)));
            }
        }
        return probes;
    }

    /**
     * A plausible JSON value of {@code type}; reports the path of every string leaf to {@code leaves},
     * and puts {@link #NUL_TEXT} at the leaf named {@code nulAt}.
     */
    private static JsonNode sample(Type type, String path, int depth, Consumer<String> leaves, String nulAt) {
        Class<?> raw = raw(type);
        if (raw == String.class || raw == Object.class || raw == CharSequence.class) {
            leaves.accept(path);
            return NODES.stringNode(path.equals(nulAt) ? NUL_TEXT : "x");
        }
        if (JsonNode.class.isAssignableFrom(raw)) {
            String leaf = path.isEmpty() ? "k" : path + ".k";
            leaves.accept(leaf);
            ObjectNode node = NODES.objectNode();
            node.put("k", leaf.equals(nulAt) ? NUL_TEXT : "x");
            return node;
        }
        if (raw == UUID.class) {
            return NODES.stringNode(UUID.randomUUID().toString());
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return NODES.booleanNode(false);
        }
        if (raw.isPrimitive() || Number.class.isAssignableFrom(raw)) {
            return NODES.numberNode(1);
        }
        if (raw.isEnum()) {
            Object[] constants = raw.getEnumConstants();
            return NODES.stringNode(constants.length == 0 ? "x" : ((Enum<?>) constants[0]).name().toLowerCase(java.util.Locale.ROOT));
        }
        if (raw == Instant.class || raw == OffsetDateTime.class || raw == java.time.ZonedDateTime.class) {
            return NODES.stringNode(OffsetDateTime.now().toString());
        }
        if (raw == LocalDate.class) {
            return NODES.stringNode(LocalDate.now().toString());
        }
        if (raw == java.time.LocalTime.class) {
            return NODES.stringNode("09:00");
        }
        if (raw == Duration.class) {
            return NODES.stringNode("PT1M");
        }
        if (raw == java.time.ZoneId.class) {
            return NODES.stringNode("Asia/Shanghai");
        }
        if (depth > 5) {
            return NODES.nullNode();
        }
        if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            Type element = raw.isArray() ? raw.getComponentType() : argument(type, 0);
            ArrayNode array = NODES.arrayNode();
            array.add(sample(element, path + "[0]", depth + 1, leaves, nulAt));
            return array;
        }
        if (Map.class.isAssignableFrom(raw)) {
            ObjectNode map = NODES.objectNode();
            map.set("k", sample(argument(type, 1), path + ".k", depth + 1, leaves, nulAt));
            return map;
        }
        if (raw.getName().startsWith("java.")) {
            return NODES.nullNode();
        }
        ObjectNode object = NODES.objectNode();
        if (raw.isRecord()) {
            for (RecordComponent component : raw.getRecordComponents()) {
                object.set(component.getName(), sample(component.getGenericType(), join(path, component.getName()), depth + 1, leaves, nulAt));
            }
        } else {
            for (Class<?> c = raw; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers()) && !field.isSynthetic()) {
                        object.set(field.getName(), sample(field.getGenericType(), join(path, field.getName()), depth + 1, leaves, nulAt));
                    }
                }
            }
        }
        return object;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return raw(p.getRawType());
        }
        if (type instanceof WildcardType w) {
            return raw(w.getUpperBounds()[0]);
        }
        return Object.class;
    }

    private static Type argument(Type type, int index) {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
            return p.getActualTypeArguments()[index];
        }
        return String.class;
    }

    private static String scalar(Class<?> type) {
        if (type == UUID.class) {
            return UUID.randomUUID().toString();
        }
        if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
            return type == boolean.class ? "false" : "1";
        }
        if (type == Boolean.class) {
            return "false";
        }
        if (type.isEnum() && type.getEnumConstants().length > 0) {
            return ((Enum<?>) type.getEnumConstants()[0]).name().toLowerCase(java.util.Locale.ROOT);
        }
        if (type == Instant.class || type == OffsetDateTime.class) {
            return OffsetDateTime.now().toString();
        }
        if (type == LocalDate.class) {
            return LocalDate.now().toString();
        }
        return "x";
    }

    private static String expand(String pattern, Map<String, String> values) {
        String path = pattern;
        for (Map.Entry<String, String> value : values.entrySet()) {
            path = path.replaceAll("\\{" + java.util.regex.Pattern.quote(value.getKey()) + "(:[^}]*)?}",
                    java.util.regex.Matcher.quoteReplacement(URLEncoder.encode(value.getValue(), StandardCharsets.UTF_8).replace("+", "%20")));
        }
        return path.replaceAll("\\{[^}]+}", "x").replace("/**", "/x");
    }

    private static String query(Map<String, String> values) {
        if (values.isEmpty()) {
            return "";
        }
        StringBuilder query = new StringBuilder("?");
        values.forEach((name, value) -> query.append(query.length() > 1 ? "&" : "").append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return query.toString();
    }
}
