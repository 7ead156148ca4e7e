package io.kefu.deploy;

import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml cannot be started where the tests run (no Docker engine), so it is kept
 * honest here: every service module has a compose service built from its own image, publishes the
 * port the application listens on, and is given only environment variables the application reads.
 */
class ComposeFileMatchesCodeTest {

    static Map<String, Object> services;
    static Map<String, CodeFacts.Service> code;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() {
        Map<String, Object> compose = new Yaml().load(CodeFacts.read(CodeFacts.ROOT.resolve("docker-compose.yml")));
        services = (Map<String, Object>) compose.get("services");
        code = CodeFacts.services();
        assertThat(code).as("service modules found in the reactor").hasSize(8);
    }

    @Test
    void everyServiceModuleHasAComposeServiceRunningItsOwnImage() {
        String version = CodeFacts.version();
        code.values().forEach(svc -> {
            assertThat(services).as("compose services").containsKey(svc.module());
            assertThat(service(svc.module()).get("image")).as("image of %s", svc.module())
                    .isEqualTo("kefu/" + svc.module() + ":" + version);
        });
    }

    @Test
    void composePublishesThePortEachApplicationListensOn() {
        code.values().forEach(svc -> {
            List<String> ports = stringList(service(svc.module()).get("ports"));
            assertThat(ports).as("ports of %s", svc.module()).anyMatch(p -> p.endsWith(":" + svc.port()) || p.equals(String.valueOf(svc.port())));
            Object serverPort = env(svc.module()).get("SERVER_PORT");
            if (serverPort != null) {
                assertThat(String.valueOf(serverPort)).isEqualTo(String.valueOf(svc.port()));
            }
        });
    }

    @Test
    void everyVariableComposeSetsIsReadByThatApplicationAndNoRequiredOneIsMissing() {
        code.values().forEach(svc -> {
            Set<String> given = new TreeSet<>(env(svc.module()).keySet());
            assertThat(svc.envRead()).as("variables %s reads; compose sets %s", svc.module(), given).containsAll(given);
            assertThat(given).as("variables %s needs without a default", svc.module()).containsAll(svc.envRequired());
        });
    }

    @Test
    void addressesInTheEnvironmentNameComposeServicesAndTheirPorts() {
        // Dot-less hosts are compose services: they must exist and, for Kefu services, be on the right port.
        code.values().forEach(svc -> env(svc.module()).forEach((name, value) -> {
            String v = String.valueOf(value);
            if (name.endsWith("_HOST")) {
                assertThat(services).as("%s=%s in %s", name, v, svc.module()).containsKey(v);
            }
            if (name.endsWith("_URL") || name.endsWith("_ENDPOINT") || name.endsWith("_ADDRESSES") || name.endsWith("_ADDR")) {
                URI uri = URI.create(v.contains("://") ? v : "tcp://" + v);
                if (uri.getHost().contains(".")) {
                    return; // an outside party (WeChat's API, ...), not part of the stack
                }
                assertThat(services).as("%s=%s in %s", name, v, svc.module()).containsKey(uri.getHost());
                CodeFacts.Service target = code.values().stream().filter(s -> s.module().equals(uri.getHost())).findFirst().orElse(null);
                if (target != null) {
                    assertThat(uri.getPort()).as("%s points at %s's port", name, target.module()).isEqualTo(target.port());
                }
            }
        }));
    }

    @Test
    void dependenciesAndMountedFilesExist() {
        services.forEach((name, raw) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> s = (Map<String, Object>) raw;
            Object deps = s.get("depends_on");
            Iterable<String> names = deps instanceof Map<?, ?> m ? stringList(List.copyOf(m.keySet())) : stringList(deps);
            names.forEach(d -> assertThat(services).as("%s depends on %s", name, d).containsKey(d));
            stringList(s.get("volumes")).stream().filter(v -> v.startsWith("./")).forEach(v -> {
                String host = v.substring(0, v.indexOf(':'));
                assertThat(Files.exists(CodeFacts.ROOT.resolve(host))).as("%s mounts %s", name, host).isTrue();
            });
        });
    }

    @Test
    void everyServiceHasAHealthcheckAndStateSurvivesARecreate() {
        code.values().forEach(svc -> {
            Object test = CodeFacts.path(service(svc.module()), "healthcheck", "test");
            assertThat(String.valueOf(test)).as("healthcheck of %s", svc.module()).contains("/actuator/health/readiness");
        });
        Map<String, String> stateful = Map.of("postgres", "/var/lib/postgresql/data", "rabbitmq", "/var/lib/rabbitmq",
                "xxl-job-db", "/var/lib/mysql", "nacos", "/home/nacos/data", "minio", "/data");
        stateful.forEach((name, dir) -> assertThat(stringList(service(name).get("volumes"))).as("volumes of %s", name)
                .anyMatch(v -> v.endsWith(":" + dir) && !v.startsWith(".") && !v.startsWith("/")));
        // Uploads in the object store every chat-service instance shares, not in one container's directory.
        assertThat(String.valueOf(env("chat-service").get("KEFU_UPLOAD_STORE"))).isEqualTo("s3");
        assertThat(String.valueOf(env("chat-service").get("KEFU_UPLOAD_S3_ENDPOINT"))).isEqualTo("http://minio:9000");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) {
        return (Map<String, Object>) services.get(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> env(String name) {
        Object env = service(name).get("environment");
        return env == null ? Map.of() : (Map<String, Object>) env;
    }

    private static List<String> stringList(Object value) {
        if (value == null) {
            return List.of();
        }
        return ((List<?>) value).stream().map(String::valueOf).toList();
    }
}
