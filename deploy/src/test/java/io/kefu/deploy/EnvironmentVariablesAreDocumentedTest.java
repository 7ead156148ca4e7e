package io.kefu.deploy;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every environment variable a service reads is in the README's configuration table, and nothing more. */
class EnvironmentVariablesAreDocumentedTest {

    static final Pattern VARIABLE = Pattern.compile("`([A-Z][A-Z0-9]*_[A-Z0-9_]+)`");

    @Test
    void theReadmesConfigurationTableNamesEveryVariableTheCodeReads() {
        String readme = CodeFacts.read(CodeFacts.ROOT.resolve("README.md"));
        int start = readme.indexOf("## Configuration");
        assertThat(start).as("README has a Configuration section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        String table = readme.substring(start, end < 0 ? readme.length() : end);
        Set<String> documented = new TreeSet<>();
        Matcher m = VARIABLE.matcher(table);
        while (m.find()) {
            documented.add(m.group(1));
        }
        Set<String> read = new TreeSet<>();
        CodeFacts.services().values().forEach(svc -> read.addAll(svc.envRead()));
        read.removeAll(CodeFacts.IMPLICIT);
        Set<String> missing = new TreeSet<>(read);
        missing.removeAll(documented);
        assertThat(missing).as("variables the code reads that README.md's Configuration table does not name").isEmpty();
        Set<String> stale = new TreeSet<>(documented);
        stale.removeAll(read);
        stale.removeAll(Set.of("SERVER_PORT", "JAVA_TOOL_OPTIONS", "SPRING_PROFILES_ACTIVE"));
        assertThat(stale).as("variables README.md documents that no service reads").isEmpty();
    }
}
