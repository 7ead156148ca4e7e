package io.kefu.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The benchmark forks its JVM with the flags `make run` starts stats-service with: the pom's
 * {@code kefu.make-run.jvm-flags} must be what deploy/local/jvm.sh gives for stats, the one place those flags are chosen.
 */
class BenchJvmFlagsTest {

    @Test
    void theBenchmarksFlagsAreMakeRunsForStats() throws IOException, InterruptedException {
        Path repo = Path.of("").toAbsolutePath().getParent();
        assumeTrue(Files.isRegularFile(repo.resolve("deploy/local/jvm.sh")), "deploy/local/jvm.sh next to this module");
        Process bash = new ProcessBuilder("bash", "-c", "source deploy/local/jvm.sh && kefu_jvm_flags stats-service").directory(repo.toFile())
                .redirectErrorStream(true).start();
        String flags = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bash.exitValue()).as(flags).isZero();
        assertThat(System.getProperty("kefu.make-run.jvm-flags")).as("stats-service/pom.xml's kefu.make-run.jvm-flags").isEqualTo(flags);
    }
}
