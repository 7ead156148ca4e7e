package io.kefu.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.yaml.snakeyaml.Yaml;

/**
 * What the code says about each service, read from the sources so that deployment files can be
 * checked against it: its port, name, and the environment variables it reads.
 */
public final class CodeFacts {

    /** The repository: Surefire runs in deploy/, Gatling's forked JVM in the directory Maven was started from. */
    public static final Path ROOT = root(Path.of("").toAbsolutePath());
    /** Read by Spring's relaxed binding or the JVM rather than by name in our files. */
    static final Set<String> IMPLICIT = Set.of("SERVER_PORT", "JAVA_TOOL_OPTIONS", "SPRING_PROFILES_ACTIVE");

    /** Upper-case string literals that are values, not variable names (XXL-JOB's route and block strategies). */
    static final Set<String> NOT_VARIABLES = Set.of("SERIAL_EXECUTION", "DISCARD_LATER", "COVER_EARLY", "CONSISTENT_HASH",
            "LEAST_FREQUENTLY_USED", "LEAST_RECENTLY_USED", "SHARDING_BROADCAST");

    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern VERSION = Pattern.compile("<artifactId>kefu</artifactId>\\s*<version>([^<]+)</version>");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]+)(:[^}]*)?}");
    private static final Pattern LITERAL = Pattern.compile("\"([A-Z][A-Z0-9]*_[A-Z0-9_]+)\"");

    /** @param managementPort where the actuator answers (its own port for the gateway; {@code port} elsewhere) */
    record Service(String module, String name, int port, int managementPort, Set<String> envRead, Set<String> envRequired) {
    }

    private CodeFacts() {
    }

    static String version() {
        Matcher m = VERSION.matcher(read(ROOT.resolve("pom.xml")));
        if (!m.find()) {
            throw new IllegalStateException("no version in the root pom");
        }
        return m.group(1);
    }

    /** Every runnable service module of the reactor, by module name. */
    static Map<String, Service> services() {
        Map<String, Service> services = new LinkedHashMap<>();
        Matcher m = MODULE.matcher(read(ROOT.resolve("pom.xml")));
        while (m.find()) {
            String module = m.group(1);
            Path dir = ROOT.resolve(module);
            Path yml = dir.resolve("src/main/resources/application.yml");
            if (!Files.exists(yml) || !read(dir.resolve("pom.xml")).contains("spring-boot-maven-plugin")) {
                continue;
            }
            boolean usesCommon = read(dir.resolve("pom.xml")).contains("<artifactId>kefu-common</artifactId>");
            StringBuilder config = new StringBuilder(read(yml));
            StringBuilder java = new StringBuilder(javaSources(dir.resolve("src/main/java")));
            if (usesCommon) {
                config.append(read(ROOT.resolve("common/src/main/resources/kefu-common-defaults.properties")));
                java.append(javaSources(ROOT.resolve("common/src/main/java")));
            }
            Set<String> read = new TreeSet<>(IMPLICIT);
            Set<String> required = new TreeSet<>();
            Matcher p = PLACEHOLDER.matcher(config);
            while (p.find()) {
                read.add(p.group(1));
                if (p.group(2) == null) {
                    required.add(p.group(1));
                }
            }
            Matcher l = LITERAL.matcher(java);
            while (l.find()) {
                if (!NOT_VARIABLES.contains(l.group(1))) {
                    read.add(l.group(1));
                }
            }
            Map<String, Object> doc = new Yaml().load(read(yml));
            int port = ((Number) path(doc, "server", "port")).intValue();
            String name = String.valueOf(path(doc, "spring", "application", "name"));
            Object management = path(doc, "management", "server", "port");
            int managementPort = management == null ? port : defaultOf(management);
            services.put(module, new Service(module, name, port, managementPort, read, required));
        }
        return services;
    }

    /** A number, or the default of a {@code ${VARIABLE:default}} placeholder. */
    private static int defaultOf(Object value) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        Matcher m = PLACEHOLDER.matcher(String.valueOf(value));
        if (!m.matches() || m.group(2) == null) {
            throw new IllegalStateException("not a port or a placeholder with a default: " + value);
        }
        return Integer.parseInt(m.group(2).substring(1));
    }

    @SuppressWarnings("unchecked")
    static Object path(Map<String, Object> doc, String... keys) {
        Object node = doc;
        for (String key : keys) {
            if (!(node instanceof Map)) {
                return null;
            }
            node = ((Map<String, Object>) node).get(key);
        }
        return node;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String javaSources(Path dir) {
        if (!Files.isDirectory(dir)) {
            return "";
        }
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> java = files.filter(f -> f.toString().endsWith(".java")).toList();
            StringBuilder all = new StringBuilder();
            java.forEach(f -> all.append(read(f)).append('\n'));
            return all.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path root(Path from) {
        for (Path dir = from; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/pom.xml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("not inside the Kefu repository: " + from);
    }
}
