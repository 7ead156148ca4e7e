package io.kefu.testsupport;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps producers and consumers honest about event samples without sharing classes.
 *
 * <p>A producer commits one envelope per event type at {@code contracts/events/<type>.json} and
 * tests, with {@link #assertMatchesSample}, that what it emits has exactly the fields of the
 * sample's {@code data} (names and JSON kinds, recursively). A consumer reads the producer's file
 * into its own minimal record with {@link #readSampleData} and asserts the values it relies on.
 */
public final class EventContracts {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private EventContracts() {
    }

    public static Path sample(Path contractsDir, String type) {
        return contractsDir.resolve(type + ".json");
    }

    /** Fails when {@code event}'s JSON and the sample's {@code data} differ in field names or kinds. */
    public static void assertMatchesSample(Object event, String type, Path contractsDir) {
        JsonNode sample = readTree(sample(contractsDir, type));
        assertThat(sample.path("type").asString()).as("type in sample of %s", type).isEqualTo(type);
        TreeSet<String> emitted = shape(JSON.valueToTree(event), "");
        TreeSet<String> expected = shape(sample.path("data"), "");
        assertThat(emitted).as("fields of %s as emitted vs. its committed sample %s", type, sample(contractsDir, type))
                .containsExactlyElementsOf(expected);
    }

    /** Reads the {@code data} of the committed sample into the consumer's own record. */
    public static <T> T readSampleData(Path contractsDir, String type, Class<T> consumerRecord) {
        return JSON.treeToValue(readTree(sample(contractsDir, type)).path("data"), consumerRecord);
    }

    /**
     * What every consumer owes its producer: the consumer's own record of {@code type} reads the data of
     * the producer's committed sample, and every component of the record not marked {@code @Nullable} is
     * present (and not null) in that sample. Returns the record read.
     */
    public static <T> T assertConsumerReads(Path contractsDir, String type, Class<T> consumerRecord) {
        JsonNode data = readTree(sample(contractsDir, type)).path("data");
        T value;
        try {
            value = JSON.treeToValue(data, consumerRecord);
        } catch (RuntimeException e) {
            throw new AssertionError(consumerRecord.getName() + " cannot read the data of " + sample(contractsDir, type) + ": " + e.getMessage(), e);
        }
        if (consumerRecord.isRecord()) {
            for (RecordComponent component : consumerRecord.getRecordComponents()) {
                if (nullable(component)) {
                    continue;
                }
                JsonNode field = data.get(component.getName());
                assertThat(field != null && !field.isNull())
                        .as("%s.%s is required (not @Nullable) but the sample %s has no %s", consumerRecord.getSimpleName(), component.getName(),
                                sample(contractsDir, type), component.getName())
                        .isTrue();
            }
        }
        return value;
    }

    /** The repository's root: the nearest directory up from the working directory that holds {@code mvnw} and {@code common/}. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("common"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new AssertionError("no repository root (a directory with mvnw and common/) above " + Path.of("").toAbsolutePath());
    }

    /** Where {@code producer} (e.g. {@code chat}) commits its samples: {@code <root>/<producer>-service/contracts/events}. */
    public static Path contractsOf(String producer) {
        Path root = repositoryRoot();
        Path conventional = root.resolve(producer + "-service").resolve("contracts").resolve("events");
        if (java.nio.file.Files.isDirectory(conventional)) {
            return conventional;
        }
        // A module named apart from its event domain (kb-ai-service publishes kb.*): the one whose samples carry the prefix.
        try (java.util.stream.Stream<Path> modules = java.nio.file.Files.list(root)) {
            for (Path module : modules.sorted().toList()) {
                Path events = module.resolve("contracts").resolve("events");
                if (java.nio.file.Files.isDirectory(events)) {
                    try (java.util.stream.Stream<Path> samples = java.nio.file.Files.list(events)) {
                        if (samples.anyMatch(f -> f.getFileName().toString().startsWith(producer + "."))) {
                            return events;
                        }
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return conventional;
    }

    private static boolean nullable(RecordComponent component) {
        List<Annotation> annotations = new ArrayList<>(List.of(component.getAnnotations()));
        annotations.addAll(List.of(component.getAnnotatedType().getAnnotations()));
        annotations.addAll(List.of(component.getAccessor().getAnnotations()));
        return annotations.stream().anyMatch(a -> a.annotationType().getSimpleName().equals("Nullable"));
    }

    private static JsonNode readTree(Path file) {
        try {
            return JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new AssertionError("No event sample at " + file.toAbsolutePath(), e);
        }
    }

    private static TreeSet<String> shape(JsonNode node, String path) {
        TreeSet<String> fields = new TreeSet<>();
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String name = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                fields.add(name + ":" + kind(field.getValue()));
                fields.addAll(shape(field.getValue(), name));
            }
        } else if (node.isArray() && !node.isEmpty()) {
            fields.addAll(shape(node.get(0), path + "[]"));
        }
        return fields;
    }

    private static String kind(JsonNode node) {
        if (node.isNull()) {
            return "any"; // a null in a sample or an event says nothing about the kind
        }
        if (node.isNumber()) {
            return "number";
        }
        return node.getNodeType().name().toLowerCase();
    }
}
