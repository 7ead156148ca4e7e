package io.kefu.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Nacos config of each service ({@code deploy/nacos/<service>.yaml}), derived from the code so it
 * holds exactly the settings a running service follows live:
 * <ul>
 * <li>the properties records bound through {@code LiveProperties.bind(…)} (the gateway: its
 * {@code LiveGatewayProperties}), read from the sources of the service and of kefu-common;</li>
 * <li>every key the configuration processor's metadata lists for them ({@code sourceType}), except secrets
 * (they belong in a Kubernetes Secret, not in a config centre) and keys whose description says they apply
 * "at start" (the convention for a live record's parts that are read once);</li>
 * <li>the value the service runs with when nothing overrides it: its application.yml (a
 * {@code ${VARIABLE:default}} gives its default), kefu-common's defaults, then the record's own default;</li>
 * <li>the metadata's description as the comment.</li>
 * </ul>
 */
final class NacosConfigs {

    static final Path DIR = CodeFacts.ROOT.resolve("deploy/nacos");

    private static final Pattern LIVE_BIND = Pattern.compile(
            "LiveProperties\\.bind\\(\\s*\\w+\\s*,\\s*([\\w.]+)\\.class\\)|bindOrCreate\\(\\s*PREFIX\\s*,\\s*(\\w+)\\.class\\)");
    private static final Pattern AT_START = Pattern.compile("(?i)\\bat start\\b");
    private static final Pattern SECRET = Pattern.compile("(?i)(secret|password|private-key|access-key|token$|master|api-key|-key-id)");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)(?::([^{}]*))?}");
    private static final Pattern SIMPLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9./_-]*|-?\\d+(\\.\\d+)?");
    private static final Pattern JAVADOC_TAG = Pattern.compile("\\{@(?:code|link|literal)\\s+([^}]*)}");

    /** One live setting: its full key, the value as YAML text, and what it does. */
    record Setting(String key, String yaml, String description) {
    }

    /** The settings, and the descriptions of map-valued properties (said once, above their entries). */
    record Settings(List<Setting> leaves, Map<String, String> maps) {
    }

    private NacosConfigs() {
    }

    /** The properties records the service follows live (simple names; its own and kefu-common's). */
    static TreeSet<String> liveTypes(String module) {
        TreeSet<String> types = new TreeSet<>();
        Matcher b = LIVE_BIND.matcher(sources(module));
        while (b.find()) {
            String type = b.group(1) != null ? b.group(1) : b.group(2);
            types.add(type.substring(type.lastIndexOf('.') + 1));
        }
        return types;
    }

    /** Whether a metadata property belongs to a live record (nested records count as their outer one). */
    private static boolean live(JsonNode property, TreeSet<String> liveTypes) {
        String source = property.path("sourceType").asString("");
        String outer = source.contains("$") ? source.substring(0, source.indexOf('$')) : source;
        return liveTypes.contains(outer.substring(outer.lastIndexOf('.') + 1));
    }

    /** Every key of a live record, and whether the service reads it at start only (its description says so). */
    static Map<String, Boolean> liveKeys(String module) {
        TreeSet<String> types = liveTypes(module);
        Map<String, Boolean> keys = new TreeMap<>();
        metadata(module).forEach((name, property) -> {
            if (live(property, types)) {
                keys.put(name, AT_START.matcher(clean(property.path("description").asString(""))).find());
            }
        });
        return keys;
    }

    /** Every live setting of the service, in key order. */
    static Settings settings(String module) {
        TreeSet<String> types = liveTypes(module);
        Map<String, JsonNode> metadata = metadata(module);
        Map<String, String> configured = configured(module);
        List<Setting> settings = new ArrayList<>();
        Map<String, String> maps = new TreeMap<>();
        for (JsonNode property : metadata.values()) {
            String name = property.path("name").asString();
            if (!live(property, types) || SECRET.matcher(name).find()) {
                continue;
            }
            String description = clean(property.path("description").asString(""));
            if (AT_START.matcher(description).find()) {
                continue;
            }
            String type = property.path("type").asString("");
            if (type.startsWith("java.util.Map")) {
                // A map's entries are keys of their own (kefu.push.dispatch.pools.sms); only configured ones exist.
                maps.put(name, description);
                configured.forEach((key, value) -> {
                    if (key.startsWith(name + ".") && !SECRET.matcher(key).find()) {
                        settings.add(new Setting(key, scalar(value), ""));
                    }
                });
                continue;
            }
            String value = configured.get(name);
            boolean list = type.startsWith("java.util.List") || type.startsWith("java.util.Set") || type.endsWith("[]");
            String yaml;
            if (value != null) {
                yaml = list ? listOf(items(value)) : scalar(value);
            } else if (property.has("defaultValue")) {
                JsonNode d = property.get("defaultValue");
                if (d.isArray()) {
                    List<String> items = new ArrayList<>();
                    d.forEach(i -> items.add(i.asString()));
                    yaml = listOf(items);
                } else {
                    yaml = list ? listOf(items(d.asString())) : scalar(d.asString());
                }
            } else if (list) {
                yaml = "[]";
            } else {
                continue; // no default at all: setting it in Nacos would change behaviour, not restate it
            }
            settings.add(new Setting(name, yaml, description));
        }
        settings.sort((a, b) -> a.key().compareTo(b.key()));
        return new Settings(settings, maps);
    }

    /** The file's text: a header, then the settings as nested YAML, each with its description. */
    static String file(String module, String service) {
        Settings all = settings(module);
        List<Setting> settings = all.leaves();
        StringBuilder out = new StringBuilder();
        out.append("# Nacos data id: ").append(service).append(".yaml, group: KEFU, type: yaml. Changes apply live (no restart).\n");
        out.append("# Generated from the code (`make nacos-config`): every setting ").append(service)
                .append(" follows live, at the value it\n# runs with when nothing overrides it. Delete a key to fall back to that value; secrets go in\n"
                        + "# Kubernetes Secrets, never here.\n");
        if (settings.isEmpty()) {
            return out.append("{}\n").toString();
        }
        List<String> open = new ArrayList<>();
        for (Setting s : settings) {
            String[] parts = s.key().split("\\.");
            int common = 0;
            while (common < open.size() && common < parts.length - 1 && open.get(common).equals(parts[common])) {
                common++;
            }
            while (open.size() > common) {
                open.remove(open.size() - 1);
            }
            for (int i = common; i < parts.length - 1; i++) {
                String node = String.join(".", java.util.Arrays.copyOf(parts, i + 1));
                for (String line : wrap(all.maps().getOrDefault(node, ""), 100 - 2 * i - 2)) {
                    out.append("  ".repeat(i)).append("# ").append(line).append('\n');
                }
                out.append("  ".repeat(i)).append(parts[i]).append(":\n");
                open.add(parts[i]);
            }
            String indent = "  ".repeat(parts.length - 1);
            for (String line : wrap(s.description(), 100 - indent.length() - 2)) {
                out.append(indent).append("# ").append(line).append('\n');
            }
            out.append(indent).append(parts[parts.length - 1]).append(": ").append(s.yaml()).append('\n');
        }
        return out.toString();
    }

    /** The keys a committed file sets, flattened (lists as one key). */
    static TreeSet<String> keysOf(String yamlText) {
        Object doc = new Yaml().load(yamlText);
        TreeSet<String> keys = new TreeSet<>();
        if (doc instanceof Map<?, ?> map) {
            flatten("", map, keys, new LinkedHashMap<>());
        }
        return keys;
    }

    private static boolean usesCommon(String module) {
        return CodeFacts.read(CodeFacts.ROOT.resolve(module).resolve("pom.xml")).contains("<artifactId>kefu-common</artifactId>");
    }

    private static String sources(String module) {
        StringBuilder all = new StringBuilder(javaSources(CodeFacts.ROOT.resolve(module).resolve("src/main/java")));
        if (usesCommon(module)) {
            all.append(javaSources(CodeFacts.ROOT.resolve("common/src/main/java")));
        }
        return all.toString();
    }

    private static String javaSources(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            StringBuilder all = new StringBuilder();
            files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(f -> all.append(CodeFacts.read(f)).append('\n'));
            return all.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The configuration processor's properties of the module (and common's), by name. */
    private static Map<String, JsonNode> metadata(String module) {
        List<String> modules = usesCommon(module) ? List.of("common", module) : List.of(module);
        Map<String, JsonNode> byName = new TreeMap<>();
        JsonMapper json = JsonMapper.builder().build();
        for (String m : modules) {
            Path file = CodeFacts.ROOT.resolve(m).resolve("target/classes/META-INF/spring-configuration-metadata.json");
            if (!Files.exists(file)) {
                throw new IllegalStateException(file + " is missing: compile the module first (./mvnw -pl deploy -am verify does)");
            }
            json.readTree(CodeFacts.read(file)).path("properties").forEach(p -> byName.put(p.path("name").asString(), p));
        }
        return byName;
    }

    /** What the service sets itself: common's defaults, then its application.yml over them; placeholders give their default. */
    private static Map<String, String> configured(String module) {
        Map<String, String> values = new TreeMap<>();
        if (usesCommon(module)) {
            Properties defaults = new Properties();
            try (var in = Files.newBufferedReader(CodeFacts.ROOT.resolve("common/src/main/resources/kefu-common-defaults.properties"))) {
                defaults.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            defaults.forEach((k, v) -> values.put((String) k, (String) v));
        }
        Object doc = new Yaml().load(CodeFacts.read(CodeFacts.ROOT.resolve(module).resolve("src/main/resources/application.yml")));
        if (doc instanceof Map<?, ?> map) {
            flatten("", map, new TreeSet<>(), values);
        }
        values.replaceAll((k, v) -> resolve(v, values, 0));
        return values;
    }

    private static void flatten(String prefix, Map<?, ?> map, TreeSet<String> keys, Map<String, String> values) {
        map.forEach((k, v) -> {
            String key = prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k;
            if (v instanceof Map<?, ?> inner) {
                flatten(key, inner, keys, values);
            } else {
                keys.add(key);
                if (v instanceof List<?> items) {
                    values.put(key, String.join(",", items.stream().map(String::valueOf).toList()));
                } else {
                    values.put(key, v == null ? "" : String.valueOf(v));
                }
            }
        });
    }

    private static String resolve(String value, Map<String, String> values, int depth) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = values.containsKey(m.group(1)) && depth < 5 ? resolve(values.get(m.group(1)), values, depth + 1)
                    : m.group(2) != null ? m.group(2) : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String scalar(String value) {
        if (SIMPLE.matcher(value).matches() && !value.matches("(?i)y|n|yes|no|on|off|null|~")) {
            return value;
        }
        return "'" + value.replace("'", "''") + "'";
    }

    /** A list written as text: {@code a,b}, or {@code [a, b]} as the metadata renders an array default. */
    private static List<String> items(String text) {
        String inner = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        return inner.isBlank() ? List.of() : List.of(inner.trim().split("\\s*,\\s*"));
    }

    private static String listOf(List<String> items) {
        return "[" + String.join(", ", items.stream().map(i -> "'" + i.replace("'", "''") + "'").toList()) + "]";
    }

    private static String clean(String description) {
        return JAVADOC_TAG.matcher(description.replaceAll("\\s+", " ").trim()).replaceAll("$1");
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        if (text.isBlank()) {
            return lines;
        }
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
