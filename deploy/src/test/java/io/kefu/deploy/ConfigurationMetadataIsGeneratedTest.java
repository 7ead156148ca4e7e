package io.kefu.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boot's configuration processor really runs (JDK 23+ runs no processor it is not told about): every
 * {@code @ConfigurationProperties} prefix in the sources is described in its module's generated
 * metadata, which is what lets IDEs complete and document every {@code kefu.*} key.
 */
class ConfigurationMetadataIsGeneratedTest {

    static final Pattern PREFIX = Pattern.compile("@ConfigurationProperties\\((?:prefix\\s*=\\s*)?\"([a-z0-9.-]+)\"");

    @Test
    void everyPropertiesRecordIsDescribedInItsModulesMetadata() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(CodeFacts.ROOT)) {
            sources = files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/")
                    && !p.toString().contains("/target/")).toList();
        }
        int checked = 0;
        for (Path source : sources) {
            Matcher m = PREFIX.matcher(Files.readString(source));
            while (m.find()) {
                Path module = moduleOf(source);
                Path metadata = module.resolve("target/classes/META-INF/spring-configuration-metadata.json");
                assertThat(metadata).as("metadata of %s (for %s)", module.getFileName(), source.getFileName()).exists();
                assertThat(Files.readString(metadata)).as("%s in %s", m.group(1), metadata).contains("\"" + m.group(1) + ".");
                checked++;
            }
        }
        assertThat(checked).as("@ConfigurationProperties found").isGreaterThan(5);
    }

    private static Path moduleOf(Path source) {
        String s = source.toString();
        return Path.of(s.substring(0, s.indexOf("/src/main/java/")));
    }
}
