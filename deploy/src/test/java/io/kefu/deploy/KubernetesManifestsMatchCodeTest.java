package io.kefu.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static io.kefu.deploy.CodeFacts.path;
import static org.assertj.core.api.Assertions.assertThat;

/** deploy/k8s runs each service from its own image, on its own port, with variables it reads, scaled on its own. */
class KubernetesManifestsMatchCodeTest {

    static final Path K8S = CodeFacts.ROOT.resolve("deploy/k8s");
    static List<Map<String, Object>> docs;
    static Map<String, CodeFacts.Service> code;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object doc : new Yaml().loadAll(Files.readString(f))) {
                    if (doc instanceof Map<?, ?> m) {
                        docs.add((Map<String, Object>) m);
                    }
                }
            }
        }
        code = CodeFacts.services();
    }

    @Test
    void everyServiceHasADeploymentServiceAndAutoscalerOfItsOwn() {
        String version = CodeFacts.version();
        code.values().forEach(svc -> {
            Map<String, Object> container = container(svc.module());
            assertThat(String.valueOf(container.get("image"))).as("image of %s", svc.module())
                    .endsWith("kefu/" + svc.module() + ":" + version);
            assertThat(ports(container)).as("container ports of %s", svc.module()).contains(svc.port());
            assertThat(String.valueOf(path(container, "readinessProbe", "httpGet", "path"))).isEqualTo("/actuator/health/readiness");
            assertThat(String.valueOf(path(container, "livenessProbe", "httpGet", "path"))).isEqualTo("/actuator/health/liveness");
            assertThat(find("Service", svc.module())).as("Service %s", svc.module()).isNotNull();
            Map<String, Object> hpa = docs.stream().filter(d -> "HorizontalPodAutoscaler".equals(d.get("kind")))
                    .filter(d -> svc.module().equals(path(d, "spec", "scaleTargetRef", "name"))).findFirst().orElse(null);
            assertThat(hpa).as("autoscaler of %s", svc.module()).isNotNull();
        });
    }

    @Test
    void everyVariableAServiceIsGivenIsOneItReads() {
        code.values().forEach(svc -> {
            Set<String> given = new TreeSet<>();
            envList(container(svc.module())).forEach(e -> given.add(String.valueOf(e.get("name"))));
            envFromKeys(container(svc.module())).forEach(given::add);
            assertThat(svc.envRead()).as("variables %s reads; its manifest gives %s", svc.module(), given).containsAll(given);
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> container(String name) {
        Map<String, Object> deployment = find("Deployment", name);
        assertThat(deployment).as("Deployment %s in deploy/k8s", name).isNotNull();
        List<Map<String, Object>> containers = (List<Map<String, Object>>) path(deployment, "spec", "template", "spec", "containers");
        return containers.stream().filter(c -> name.equals(c.get("name"))).findFirst().orElse(containers.getFirst());
    }

    private static Map<String, Object> find(String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(path(d, "metadata", "name"))).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> ports(Map<String, Object> container) {
        List<Map<String, Object>> ports = (List<Map<String, Object>>) container.getOrDefault("ports", List.of());
        return ports.stream().map(p -> ((Number) p.get("containerPort")).intValue()).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> envList(Map<String, Object> container) {
        return (List<Map<String, Object>>) container.getOrDefault("env", List.of());
    }

    /** Keys of the ConfigMaps and Secrets a container takes whole with envFrom. */
    @SuppressWarnings("unchecked")
    private static List<String> envFromKeys(Map<String, Object> container) {
        List<String> keys = new ArrayList<>();
        for (Map<String, Object> from : (List<Map<String, Object>>) container.getOrDefault("envFrom", List.of())) {
            for (String kind : List.of("configMapRef", "secretRef")) {
                Object ref = path(from, kind, "name");
                if (ref == null) {
                    continue;
                }
                Map<String, Object> source = find(kind.equals("configMapRef") ? "ConfigMap" : "Secret", String.valueOf(ref));
                assertThat(source).as("%s %s used by envFrom", kind, ref).isNotNull();
                Object data = source.containsKey("stringData") ? source.get("stringData") : source.get("data");
                if (data instanceof Map<?, ?> m) {
                    m.keySet().forEach(k -> keys.add(String.valueOf(k)));
                }
            }
        }
        return keys;
    }
}
