package io.kefu.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The services' container images as Jib builds them from the repository's configuration, checked
 * without a Docker engine or a registry: the base image ({@code eclipse-temurin:21-jre}) cannot be
 * pulled here, so a minimal base image is written as a {@code docker save} tarball and handed to Jib as
 * {@code tar://…} — everything Kefu's configuration decides (entrypoint, JVM flags, main class, user,
 * the application's files) is the same as on the real base. Then each image tarball's config and
 * layers are read. Needs the modules compiled (as {@code verify} from the root does before this module);
 * runs Maven once over the whole reactor, as the documented image build does.
 */
class ServiceImagesIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern MAIN_CLASS = Pattern.compile("package ([\\w.]+);[\\s\\S]*@SpringBootApplication[\\s\\S]*?class (\\w+)");
    private static final String BASE_PATH = "PATH=/opt/kefu-test-base/bin:/usr/bin:/bin";

    @TempDir
    static Path tmp;

    private static Map<String, CodeFacts.Service> services;

    @BeforeAll
    static void buildImagesOnALocalBase() throws Exception {
        services = CodeFacts.services();
        removeTheImages(); // none left from an earlier run may stand in for this one's
        Path base = baseImage(tmp.resolve("base.tar"));
        // The whole reactor, as the documented `./mvnw -q package jib:dockerBuild -DskipTests`: the library
        // modules must skip Jib (they have no main class), every service must become an image.
        List<String> command = new ArrayList<>(List.of(CodeFacts.ROOT.resolve("mvnw").toString(), "-B", "-q", "--no-transfer-progress",
                "jib:buildTar",
                "-Djib.from.image=tar://" + base.toAbsolutePath(), "-Djib.outputPaths.tar=target/jib-check.tar"));
        ProcessBuilder maven = new ProcessBuilder(command).directory(CodeFacts.ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("jib.log").toFile());
        maven.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = maven.start();
        boolean done = process.waitFor(15, TimeUnit.MINUTES);
        if (!done) {
            process.destroyForcibly();
        }
        assertThat(done && process.exitValue() == 0).as("jib:buildTar failed:\n%s", Files.readString(tmp.resolve("jib.log"))).isTrue();
    }

    @AfterAll
    static void removeTheImages() throws IOException {
        for (CodeFacts.Service svc : services.values()) {
            Files.deleteIfExists(CodeFacts.ROOT.resolve(svc.module()).resolve("target/jib-check.tar")); // 70-200 MB each
        }
    }

    @Test
    void onlyTheServicesBecomeImages() throws IOException {
        try (Stream<Path> modules = Files.list(CodeFacts.ROOT)) {
            for (Path module : modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml"))).toList()) {
                boolean service = services.containsKey(module.getFileName().toString());
                assertThat(Files.exists(module.resolve("target/jib-check.tar"))).as("an image of %s", module.getFileName())
                        .isEqualTo(service);
            }
        }
    }

    @Test
    void everyServiceImageStartsItsOwnApplicationAsTheNonRootUserTheManifestsExpect() throws IOException {
        for (CodeFacts.Service svc : services.values()) {
            Image image = Image.read(CodeFacts.ROOT.resolve(svc.module()).resolve("target/jib-check.tar"));
            JsonNode config = image.config().path("config");
            String mainClass = mainClass(svc.module());

            assertThat(config.path("User").asString()).as("user of %s", svc.module()).isEqualTo("10001:10001");
            // kb-ai-service adds the Vector API, which Lucene's VectorUtil needs for its SIMD knowledge scan.
            List<String> flags = svc.module().equals("kb-ai-service")
                    ? List.of("-XX:MaxRAMPercentage=75", "--add-modules=jdk.incubator.vector") : List.of("-XX:MaxRAMPercentage=75");
            List<String> entrypoint = new ArrayList<>(List.of("java"));
            entrypoint.addAll(flags);
            entrypoint.addAll(List.of("-cp", "@/app/jib-classpath-file", mainClass));
            assertThat(strings(config.path("Entrypoint"))).as("entrypoint of %s", svc.module()).containsExactlyElementsOf(entrypoint);
            assertThat(strings(config.path("Env"))).as("the base's environment is kept").contains(BASE_PATH);
            assertThat(image.files()).as("files of %s", svc.module())
                    .contains("app/jib-classpath-file", "app/jib-main-class-file", "app/classes/" + mainClass.replace('.', '/') + ".class")
                    .anyMatch(f -> f.startsWith("app/libs/spring-boot-"));
            assertThat(image.text("app/jib-main-class-file").strip()).isEqualTo(mainClass);
        }
    }

    @Test
    void theImageUserIsTheOneKubernetesRunsAs() throws IOException {
        for (Path manifest : yamlFiles(CodeFacts.ROOT.resolve("deploy/k8s/base"))) {
            String yaml = Files.readString(manifest);
            if (yaml.contains("kind: Deployment")) {
                assertThat(yaml).as("%s", manifest.getFileName()).contains("runAsUser: 10001", "runAsGroup: 10001", "runAsNonRoot: true");
            }
        }
    }

    /** A docker-save tarball: one small layer, a config with an environment, a manifest naming them. */
    private static Path baseImage(Path target) throws Exception {
        byte[] layer = tar(Map.of("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nkefu:x:10001:10001::/app:/bin/sh\n"
                .getBytes(StandardCharsets.UTF_8)));
        String diffId = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(layer));
        byte[] config = JSON.writeValueAsBytes(Map.of("architecture", "amd64", "os", "linux",
                "config", Map.of("Env", List.of(BASE_PATH)),
                "rootfs", Map.of("type", "layers", "diff_ids", List.of(diffId))));
        String configName = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(config)) + ".json";
        byte[] manifest = JSON.writeValueAsBytes(List.of(Map.of("Config", configName, "RepoTags", List.of("kefu-test-base:1"),
                "Layers", List.of("layer.tar"))));
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        entries.put(configName, config);
        entries.put("layer.tar", layer);
        entries.put("manifest.json", manifest);
        Files.write(target, tar(entries));
        return target;
    }

    private static String mainClass(String module) throws IOException {
        for (Path source : javaFiles(CodeFacts.ROOT.resolve(module).resolve("src/main/java"))) {
            Matcher m = MAIN_CLASS.matcher(Files.readString(source));
            if (m.find()) {
                return m.group(1) + "." + m.group(2);
            }
        }
        throw new AssertionError("no @SpringBootApplication class in " + module);
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).toList();
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asString()));
        return values;
    }

    // ---- the tar format, as much as images need (ustar, regular files) ----

    private static byte[] tar(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            byte[] header = new byte[512];
            put(header, 0, file.getKey());
            put(header, 100, "0000644");
            put(header, 108, "0000000");
            put(header, 116, "0000000");
            put(header, 124, String.format("%011o", file.getValue().length));
            put(header, 136, "00000000000");
            header[156] = '0';
            put(header, 257, "ustar");
            put(header, 263, "00");
            java.util.Arrays.fill(header, 148, 156, (byte) ' ');
            int sum = 0;
            for (byte b : header) {
                sum += b & 0xff;
            }
            put(header, 148, String.format("%06o", sum));
            header[154] = 0;
            out.write(header);
            out.write(file.getValue());
            out.write(new byte[(512 - file.getValue().length % 512) % 512]);
        }
        out.write(new byte[1024]);
        return out.toByteArray();
    }

    private static void put(byte[] header, int at, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, at, bytes.length);
    }

    /** An image tarball as Jib writes it: manifest.json, the config, and the layers (gzipped tars). */
    private record Image(JsonNode config, Map<String, byte[]> smallFiles, List<String> files) {

        static Image read(Path tarball) throws IOException {
            Map<String, byte[]> entries = new HashMap<>();
            try (InputStream in = Files.newInputStream(tarball)) {
                readTar(in, (name, content) -> entries.put(name, content.readAllBytes()));
            }
            JsonNode manifest = JSON.readTree(entries.get("manifest.json")).get(0);
            JsonNode config = JSON.readTree(entries.get(manifest.path("Config").asString()));
            Map<String, byte[]> small = new HashMap<>();
            List<String> files = new ArrayList<>();
            for (JsonNode layer : manifest.path("Layers")) {
                byte[] blob = entries.get(layer.asString());
                boolean gzip = blob.length > 2 && (blob[0] & 0xff) == 0x1f && (blob[1] & 0xff) == 0x8b;
                try (InputStream in = gzip ? new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(blob))
                        : new java.io.ByteArrayInputStream(blob)) {
                    readTar(in, (name, content) -> {
                        files.add(name);
                        if (name.startsWith("app/jib-")) {
                            small.put(name, content.readAllBytes());
                        }
                    });
                }
            }
            return new Image(config, small, files);
        }

        String text(String file) {
            return new String(smallFiles.get(file), StandardCharsets.UTF_8);
        }

        interface Entry {
            void accept(String name, InputStream content) throws IOException;
        }

        /** Regular files of a tar stream, names without a leading "/" or "./" (long names from PAX headers). */
        private static void readTar(InputStream in, Entry entry) throws IOException {
            byte[] header = new byte[512];
            String paxPath = null;
            while (in.readNBytes(header, 0, 512) == 512) {
                String name = field(header, 0, 100);
                if (name.isEmpty()) {
                    return;
                }
                String prefix = field(header, 345, 155);
                if (!prefix.isEmpty() && "ustar".equals(field(header, 257, 5))) {
                    name = prefix + "/" + name;
                }
                long size = Long.parseLong(field(header, 124, 12).isBlank() ? "0" : field(header, 124, 12).strip(), 8);
                byte[] content = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (header[156] == 'x') {
                    paxPath = paxPath(content);
                    continue;
                }
                if (paxPath != null) {
                    name = paxPath;
                    paxPath = null;
                }
                if (header[156] == '0' || header[156] == 0) {
                    entry.accept(name.replaceFirst("^\\.?/", ""), new java.io.ByteArrayInputStream(content));
                }
            }
        }

        /** The {@code path} record of a PAX extended header ("<length> path=<name>\n"), if any. */
        private static String paxPath(byte[] content) {
            for (String record : new String(content, StandardCharsets.UTF_8).split("\n")) {
                int space = record.indexOf(' ');
                if (space > 0 && record.startsWith("path=", space + 1)) {
                    return record.substring(space + 1 + "path=".length());
                }
            }
            return null;
        }

        private static String field(byte[] header, int at, int length) {
            int end = at;
            while (end < at + length && header[end] != 0) {
                end++;
            }
            return new String(header, at, end - at, StandardCharsets.US_ASCII).strip();
        }
    }
}
