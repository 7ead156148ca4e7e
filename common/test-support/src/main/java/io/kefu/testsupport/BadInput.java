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
 * a 5xx, never a 2xx (an effect), never silence. And hostile values of every kind in the same places
 * ({@link #hostileProbes}): never a 5xx. {@link ServiceReadinessContract} runs both for every
 * service; a test may also call {@link #nulProbes} or {@link #hostileProbes} itself.
 */
public final class BadInput {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String NUL_TEXT = "a" + (char) 0 + "b";

    private BadInput() {
    }

    /**
     * One request carrying bad input somewhere: what it targets, and how to send it. {@code mayBeAccepted}:
     * whether a 2xx is a right answer too (a hostile value a field may legitimately take, such as a long
     * text or a negative number) — a NUL never is.
     */
    public record Probe(String method, String path, String where, String contentType, String body, boolean mayBeAccepted) {

        public Probe(String method, String path, String where, String contentType, String body) {
            this(method, path, "NUL in " + where, contentType, body, false);
        }

        @Override
        public String toString() {
            String shown = path.replace(String.valueOf((char) 0), "\\0");
            return method + " " + (shown.length() > 120 ? shown.substring(0, 120) + "…" : shown) + " (" + where + ")";
        }

        /**
         * Sends it with each token in turn until one gets past the role checks (else the last answer
         * counts) and checks the answer: a 4xx (or a 2xx/3xx where {@code mayBeAccepted}), never a 5xx.
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
            boolean refused = last.statusCode() >= 400 && last.statusCode() < 500;
            if (!refused && !(mayBeAccepted && last.statusCode() < 400)) {
                String answer = last.body().length() > 500 ? last.body().substring(0, 500) + "…" : last.body();
                throw new AssertionError(this + " answered " + last.statusCode() + ": " + answer);
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
        return everyEndpoint(context, BadInput::probes);
    }

    /** What a probe family sends to one endpoint: method, path pattern, handler and mapping. */
    private interface Family {
        List<Probe> of(String method, String pattern, HandlerMethod handler, RequestMappingInfo info);
    }

    /** A family's probes for every endpoint of the application but {@code /internal/**}, {@code /actuator/**} and the API docs. */
    private static List<Probe> everyEndpoint(ApplicationContext context, Family family) {
        List<Probe> probes = new ArrayList<>();
        for (RequestMappingHandlerMapping mapping : context.getBeansOfType(RequestMappingHandlerMapping.class).values()) {
            for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
                for (String pattern : entry.getKey().getPatternValues()) {
                    if (DocumentedRoutes.ignored(pattern)) {
                        continue;
                    }
                    Set<RequestMethod> methods = entry.getKey().getMethodsCondition().getMethods();
                    for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET, RequestMethod.POST) : methods) {
                        probes.addAll(family.of(method.name(), pattern, entry.getValue(), entry.getKey()));
                    }
                }
            }
        }
        return probes;
    }

    /** A text longer than any field takes: 100,000 characters in a body, 1,000 in a URL (Tomcat's request line stops at 8 KB). */
    static final String LONG_BODY_TEXT = "长".repeat(100_000);
    static final String LONG_URL_TEXT = "x".repeat(1_000);

    /**
     * Hostile values sent to every endpoint but {@code /internal/**}, {@code /actuator/**} and the API docs
     * (read from the handler mappings like {@link #nulProbes}): in each node of each JSON body, each query
     * parameter and each path variable, a value of the wrong type, out of range, malformed or overlong for
     * its declared type; and whole bodies that are empty, not JSON, the wrong JSON or nested past the
     * parser's limit. What each must get: the client's fault (4xx), or — for values a field may take — an
     * ordinary answer; never a 5xx, never silence. This is the class of defect "bad input gets a 500".
     */
    public static List<Probe> hostileProbes(ApplicationContext context) {
        return everyEndpoint(context, BadInput::hostile);
    }

    /** Hostile JSON values for a node of this declared type. */
    private static List<JsonNode> hostileValues(Class<?> type) {
        if (type == String.class) {
            return List.of(NODES.stringNode(LONG_BODY_TEXT), NODES.objectNode(), NODES.arrayNode().add(1));
        }
        if (type == UUID.class) {
            return List.of(NODES.stringNode("not-a-uuid"), NODES.numberNode(7));
        }
        if (type == boolean.class || type == Boolean.class) {
            return List.of(NODES.stringNode("maybe"), NODES.objectNode());
        }
        if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
            return List.of(NODES.stringNode("abc"), NODES.numberNode(-1), NODES.numberNode(new java.math.BigInteger("99999999999999999999999")),
                    NODES.numberNode(new java.math.BigDecimal("1e400")), NODES.numberNode(2147483648L));
        }
        if (type.isEnum()) {
            return List.of(NODES.stringNode("no-such-value"), NODES.numberNode(99));
        }
        if (type.getName().startsWith("java.time.")) {
            return List.of(NODES.stringNode("2026-13-45T99:99:99Z"), NODES.stringNode(""), NODES.numberNode(-1e18));
        }
        // arrays, collections, maps, objects: a scalar, or the other kind of container
        return List.of(NODES.stringNode("x"), Collection.class.isAssignableFrom(type) || type.isArray() ? NODES.objectNode() : NODES.arrayNode());
    }

    /** Hostile text for a query parameter or path variable of this declared type. */
    private static List<String> hostileText(Class<?> type) {
        if (type == UUID.class) {
            return List.of("not-a-uuid");
        }
        if (type == boolean.class || type == Boolean.class) {
            return List.of("maybe");
        }
        if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
            return List.of("abc", "-1", "99999999999999999999999", "1000000", "1e400");
        }
        if (type.isEnum()) {
            return List.of("no-such-value");
        }
        if (type.getName().startsWith("java.time.")) {
            return List.of("2026-13-45", "not-a-date");
        }
        return List.of(LONG_URL_TEXT);
    }

    /** Whole bodies that are not the JSON object an endpoint takes. */
    private static final List<String> HOSTILE_BODIES = List.of("", "{", "[]", "null", "\"x\"", "{\"a\":", "[".repeat(5_000) + "]".repeat(5_000),
            "{\"a\":".repeat(3_000) + "1" + "}".repeat(3_000));

    private static List<Probe> hostile(String method, String pattern, HandlerMethod handler, RequestMappingInfo info) {
        List<Probe> probes = new ArrayList<>();
        Parameters parameters = Parameters.of(handler, info);
        Map<String, String> pathValues = parameters.pathValues();
        Map<String, String> queryValues = parameters.queryValues();
        Map<String, Class<?>> variableTypes = parameters.variableTypes();
        Map<String, Class<?>> paramTypes = new LinkedHashMap<>();
        parameters.paramTypes().forEach((name, type) -> paramTypes.put(name, Collection.class.isAssignableFrom(type) ? String.class : type));
        Type bodyType = parameters.bodyType();
        boolean multipart = parameters.multipart();
        String query = query(queryValues);
        variableTypes.forEach((name, type) -> {
            for (String value : hostileText(type)) {
                Map<String, String> values = new LinkedHashMap<>(pathValues);
                values.put(name, value);
                probes.add(new Probe(method, expand(pattern, values) + query, "path variable " + name + " = " + shown(value), null, null, true));
            }
        });
        paramTypes.forEach((name, type) -> {
            for (String value : hostileText(type)) {
                Map<String, String> values = new LinkedHashMap<>(queryValues);
                values.put(name, value);
                probes.add(new Probe(method, expand(pattern, pathValues) + query(values), "query parameter " + name + " = " + shown(value), null,
                        null, true));
            }
        });
        if (bodyType != null && !multipart) {
            String path = expand(pattern, pathValues) + query;
            Type declared = bodyType;
            Map<String, Class<?>> nodes = new LinkedHashMap<>();
            sample(declared, "", 0, nodes::put, null, null);
            nodes.forEach((node, type) -> {
                for (JsonNode value : hostileValues(type)) {
                    JsonNode body = sample(declared, "", 0, (n, t) -> { }, node, value);
                    probes.add(new Probe(method, path, "body " + node + " = " + shown(value.toString()), "application/json",
                            JSON.writeValueAsString(body), true));
                }
            });
            for (String body : HOSTILE_BODIES) {
                probes.add(new Probe(method, path, "the whole body = " + shown(body), "application/json", body, true));
            }
            String plausible = JSON.writeValueAsString(sample(declared, "", 0, (n, t) -> { }, null, null));
            probes.add(new Probe(method, path, "a JSON body sent as text/plain", "text/plain", plausible, true));
        }
        return probes;
    }

    /**
     * An endpoint's inputs as its handler declares them: path variables and query parameters (each with a
     * plausible value and its type; none from a multipart form) and the JSON body's type, if any.
     */
    private record Parameters(Map<String, String> pathValues, Map<String, String> queryValues, Map<String, Class<?>> variableTypes,
            Map<String, Class<?>> paramTypes, Type bodyType, boolean multipart) {

        static Parameters of(HandlerMethod handler, RequestMappingInfo info) {
            Map<String, String> pathValues = new LinkedHashMap<>();
            Map<String, String> queryValues = new LinkedHashMap<>();
            Map<String, Class<?>> variableTypes = new LinkedHashMap<>();
            Map<String, Class<?>> paramTypes = new LinkedHashMap<>();
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
                    variableTypes.put(name, type);
                } else if (param != null && !multipart) {
                    String name = nameOf(param.name(), param.value(), parameter);
                    if (name == null || Map.class.isAssignableFrom(type)) {
                        continue;
                    }
                    queryValues.put(name, scalar(type));
                    paramTypes.put(name, type);
                } else if (parameter.hasParameterAnnotation(RequestBody.class)) {
                    bodyType = parameter.getGenericParameterType();
                }
            }
            return new Parameters(pathValues, queryValues, variableTypes, paramTypes, bodyType, multipart);
        }
    }

    private static String shown(String value) {
        return value.length() > 24 ? value.substring(0, 12) + "…(" + value.length() + " chars)" : value;
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
        Parameters parameters = Parameters.of(handler, info);
        Map<String, String> pathValues = parameters.pathValues();
        Map<String, String> queryValues = parameters.queryValues();
        List<String> textVariables = parameters.variableTypes().entrySet().stream().filter(e -> e.getValue() == String.class)
                .map(Map.Entry::getKey).toList();
        List<String> textParams = parameters.paramTypes().entrySet().stream()
                .filter(e -> e.getValue() == String.class || Collection.class.isAssignableFrom(e.getValue())).map(Map.Entry::getKey).toList();
        Type bodyType = parameters.bodyType();
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
        return sample(type, path, depth, (leaf, kind) -> {
            if (kind == String.class) {
                leaves.accept(leaf);
            }
        }, nulAt, NODES.stringNode(NUL_TEXT));
    }

    /**
     * A plausible JSON value of {@code type}; reports the path and type of every node below the root
     * (scalars, arrays, maps and objects; a free-form JSON field as a string at {@code .k}) to
     * {@code nodes}, and puts {@code replacement} in place of the node at {@code at}.
     */
    private static JsonNode sample(Type type, String path, int depth, java.util.function.BiConsumer<String, Class<?>> nodes, String at,
            JsonNode replacement) {
        Class<?> raw = raw(type);
        if (raw == String.class || raw == Object.class || raw == CharSequence.class) {
            nodes.accept(path, String.class);
            return path.equals(at) ? replacement : NODES.stringNode("x");
        }
        if (JsonNode.class.isAssignableFrom(raw)) {
            String leaf = path.isEmpty() ? "k" : path + ".k";
            nodes.accept(leaf, String.class);
            ObjectNode node = NODES.objectNode();
            node.set("k", leaf.equals(at) ? replacement : NODES.stringNode("x"));
            return node;
        }
        if (!path.isEmpty()) {
            nodes.accept(path, raw);
            if (path.equals(at)) {
                return replacement;
            }
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
            array.add(sample(element, path + "[0]", depth + 1, nodes, at, replacement));
            return array;
        }
        if (Map.class.isAssignableFrom(raw)) {
            ObjectNode map = NODES.objectNode();
            map.set("k", sample(argument(type, 1), path + ".k", depth + 1, nodes, at, replacement));
            return map;
        }
        if (raw.getName().startsWith("java.")) {
            return NODES.nullNode();
        }
        ObjectNode object = NODES.objectNode();
        if (raw.isRecord()) {
            for (RecordComponent component : raw.getRecordComponents()) {
                object.set(component.getName(), sample(component.getGenericType(), join(path, component.getName()), depth + 1, nodes, at, replacement));
            }
        } else {
            for (Class<?> c = raw; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers()) && !field.isSynthetic()) {
                        object.set(field.getName(), sample(field.getGenericType(), join(path, field.getName()), depth + 1, nodes, at, replacement));
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
