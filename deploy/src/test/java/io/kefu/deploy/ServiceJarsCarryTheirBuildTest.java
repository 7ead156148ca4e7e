package io.kefu.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each service jar carries its version (build-info) and the commit it was built from (git.properties),
 * which /actuator/info reports: an operator can tell which build a pod runs.
 */
class ServiceJarsCarryTheirBuildTest {

    @Test
    void everyServiceJarKnowsItsVersionAndCommit() throws IOException {
        String version = CodeFacts.version();
        for (CodeFacts.Service svc : CodeFacts.services().values()) {
            Path jar = CodeFacts.ROOT.resolve(svc.module()).resolve("target").resolve(svc.module() + "-" + version + ".jar");
            assertThat(jar).as("jar of %s (deploy's tests run after the services are packaged)", svc.module()).exists();
            try (JarFile file = new JarFile(jar.toFile())) {
                assertThat(file.getEntry("META-INF/build-info.properties")).as("build-info in %s", jar.getFileName()).isNotNull();
                if (Files.isDirectory(CodeFacts.ROOT.resolve(".git")) || Files.isRegularFile(CodeFacts.ROOT.resolve(".git"))) {
                    assertThat(file.getEntry("BOOT-INF/classes/git.properties")).as("git.properties in %s", jar.getFileName()).isNotNull();
                }
            }
        }
    }
}
