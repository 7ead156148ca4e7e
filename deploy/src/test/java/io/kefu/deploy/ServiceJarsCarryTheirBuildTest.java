package io.kefu.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each service jar carries its version (build-info) and the commit it was built from (git.properties),
 * which /actuator/info reports: an operator can tell which build a pod runs. And no signed library: the
 * JDK parses and keeps a signed jar's manifest and signature file as soon as one of its classes loads.
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

    /**
     * BouncyCastle came in with Spring Cloud and WxJava for features Kefu does not use; Spring Cloud probes
     * for one of its classes at start, which made every service keep bcprov's 1 MB manifest (an entry per
     * class) and its signers: ~8 MB of live heap. A signed library that is really needed belongs here with
     * a reason, not in a jar by accident.
     */
    @Test
    void noServiceJarCarriesASignedLibrary() throws IOException {
        String version = CodeFacts.version();
        List<String> signed = new ArrayList<>();
        for (CodeFacts.Service svc : CodeFacts.services().values()) {
            Path jar = CodeFacts.ROOT.resolve(svc.module()).resolve("target").resolve(svc.module() + "-" + version + ".jar");
            try (JarFile file = new JarFile(jar.toFile())) {
                for (JarEntry entry : file.stream().filter(e -> e.getName().startsWith("BOOT-INF/lib/")).toList()) {
                    try (InputStream in = file.getInputStream(entry)) {
                        if (isSigned(in)) {
                            signed.add(svc.module() + ": " + entry.getName().substring("BOOT-INF/lib/".length()));
                        }
                    }
                }
            }
        }
        assertThat(signed).as("signed libraries in the service jars").isEmpty();
    }

    /** jarsigner writes the manifest and signature files first, as JarInputStream expects: reading stops after them. */
    private static boolean isSigned(InputStream jar) throws IOException {
        ZipInputStream zip = new ZipInputStream(jar);
        for (ZipEntry entry = zip.getNextEntry(); entry != null && entry.getName().startsWith("META-INF/"); entry = zip.getNextEntry()) {
            String name = entry.getName();
            if (name.indexOf('/', "META-INF/".length()) < 0 && name.endsWith(".SF")) {
                return true;
            }
        }
        return false;
    }
}
