package io.kefu.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/k8s as a cluster would receive it: each overlay rendered by kustomize ({@code kubectl kustomize}),
 * read into the Kubernetes API's own types (an unknown or misplaced field fails, as a schema checker
 * would), checked by lint rules (hardened pods, resources, probes, spread, pinned images, secrets from
 * Secrets with the prod profile on), and checked against the code (ports, variables each service reads).
 */
class KubernetesManifestsMatchCodeTest {

    static final Pattern SECRET_KEY = Pattern.compile("KEFU_[A-Z0-9_]*SECRET_KEY");
    static Map<String, CodeFacts.Service> code;

    @BeforeAll
    static void load() {
        code = CodeFacts.services();
    }

    @ParameterizedTest
    @ValueSource(strings = {"staging", "production"})
    void everyOverlayRendersIntoValidKubernetesObjects(String overlay) throws IOException {
        List<HasMetadata> objects = Manifests.render(overlay);
        assertThat(objects).isNotEmpty();
        objects.forEach(o -> assertThat(Manifests.unknownFields(o)).as("fields Kubernetes does not know in %s %s",
                o.getKind(), o.getMetadata().getName()).isEmpty());
        assertThat(objects).allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).as("namespace of %s %s", o.getKind(),
                o.getMetadata().getName()).isIn("kefu", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"staging", "production"})
    void everyServiceHasADeploymentServiceAndAutoscalerOfItsOwn(String overlay) throws IOException {
        List<HasMetadata> objects = Manifests.render(overlay);
        code.values().forEach(svc -> {
            Container container = Manifests.container(objects, svc.module());
            assertThat(container.getPorts()).as("container ports of %s", svc.module())
                    .anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(svc.port()));
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
            assertThat(Manifests.find(objects, Service.class, svc.module())).as("Service %s", svc.module()).isNotNull();
            assertThat(objects).as("autoscaler of %s", svc.module()).anySatisfy(o -> {
                assertThat(o).isInstanceOf(HorizontalPodAutoscaler.class);
                assertThat(((HorizontalPodAutoscaler) o).getSpec().getScaleTargetRef().getName()).isEqualTo(svc.module());
            });
        });
    }

    /**
     * The actuator (metrics, refresh) of a service whose management port is its own is scraped and probed
     * there, and neither its Service nor the Ingress carries that port: the public entry never serves it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"staging", "production"})
    void probesAndScrapesUseTheActuatorPortWhichNoServiceExposes(String overlay) throws IOException {
        List<HasMetadata> objects = Manifests.render(overlay);
        code.values().forEach(svc -> {
            Deployment deployment = Manifests.find(objects, Deployment.class, svc.module());
            Container container = Manifests.container(objects, svc.module());
            Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
            assertThat(annotations).as("scrape annotations of %s", svc.module())
                    .containsEntry("prometheus.io/port", String.valueOf(svc.managementPort()))
                    .containsEntry("prometheus.io/path", "/actuator/prometheus");
            for (var probe : List.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe())) {
                assertThat(portNumber(container, probe.getHttpGet().getPort())).as("probe port of %s", svc.module())
                        .isEqualTo(svc.managementPort());
            }
            if (svc.managementPort() != svc.port()) {
                Service service = Manifests.find(objects, Service.class, svc.module());
                assertThat(service.getSpec().getPorts()).as("ports of Service %s", svc.module())
                        .noneSatisfy(p -> assertThat(portNumber(container, p.getTargetPort())).isEqualTo(svc.managementPort()));
            }
        });
    }

    private static int portNumber(Container container, io.fabric8.kubernetes.api.model.IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal())).getContainerPort();
    }

    @ParameterizedTest
    @ValueSource(strings = {"staging", "production"})
    void imagesArePinnedToImmutableTags(String overlay) throws IOException {
        for (Deployment d : Manifests.all(Manifests.render(overlay), Deployment.class)) {
            for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                String image = c.getImage();
                assertThat(image).as("image of %s", d.getMetadata().getName())
                        .doesNotContain("SNAPSHOT").doesNotEndWith(":latest").matches(".+(:[\\w.-]+|@sha256:[0-9a-f]{64})$");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"staging", "production"})
    void podsAreHardenedSizedAndSpread(String overlay) throws IOException {
        for (Deployment d : Manifests.all(Manifests.render(overlay), Deployment.class)) {
            String name = d.getMetadata().getName();
            var pod = d.getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("runAsNonRoot of %s", name).isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as("seccomp of %s", name).isEqualTo("RuntimeDefault");
            assertThat(pod.getAutomountServiceAccountToken()).as("service account token of %s", name).isFalse();
            assertThat(pod.getTopologySpreadConstraints()).as("spread of %s", name)
                    .anySatisfy(t -> assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
            for (Container c : pod.getContainers()) {
                var sc = c.getSecurityContext();
                assertThat(sc.getAllowPrivilegeEscalation()).as("privilege escalation of %s", name).isFalse();
                assertThat(sc.getReadOnlyRootFilesystem()).as("read-only root of %s", name).isTrue();
                assertThat(sc.getCapabilities().getDrop()).as("dropped capabilities of %s", name).contains("ALL");
                assertThat(c.getResources().getRequests()).as("requests of %s", name).containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).as("limits of %s", name).containsKey("memory");
                assertThat(c.getVolumeMounts()).as("a writable /tmp for %s (the root file system is read-only)", name)
                        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
                assertThat(c.getStartupProbe()).as("startup probe of %s", name).isNotNull();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"staging", "production"})
    void servicesThatSealSecretsGetTheirKeyFromASecretAndRunWithProd(String overlay) throws IOException {
        List<HasMetadata> objects = Manifests.render(overlay);
        code.values().forEach(svc -> {
            Container container = Manifests.container(objects, svc.module());
            assertThat(env(container, "SPRING_PROFILES_ACTIVE")).as("profiles of %s", svc.module()).isNotNull()
                    .extracting(EnvVar::getValue).asString().contains("prod");
            svc.envRead().stream().filter(v -> SECRET_KEY.matcher(v).matches()).forEach(key -> {
                EnvVar var = env(container, key);
                boolean fromSecret = var != null && var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null
                        || secretsTakenWhole(objects, container).contains(key);
                assertThat(fromSecret).as("%s reads %s: its manifest must give it from a Secret", svc.module(), key).isTrue();
            });
        });
    }

    /** chat-service runs several replicas (at least two in production): uploads live where each of them reads them. */
    @ParameterizedTest
    @ValueSource(strings = {"staging", "production"})
    void uploadsGoToTheObjectStoreEveryReplicaShares(String overlay) throws IOException {
        List<HasMetadata> objects = Manifests.render(overlay);
        Container chat = Manifests.container(objects, "chat-service");
        HorizontalPodAutoscaler hpa = Manifests.find(objects, HorizontalPodAutoscaler.class, "chat-service");
        assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(env(chat, "KEFU_UPLOAD_STORE")).isNotNull().extracting(EnvVar::getValue).isEqualTo("s3");
        assertThat(env(chat, "KEFU_UPLOAD_S3_ENDPOINT")).isNotNull().extracting(EnvVar::getValue).asString().startsWith("http");
        assertThat(env(chat, "KEFU_UPLOAD_S3_ACCESS_KEY").getValueFrom().getSecretKeyRef()).as("access key from a Secret").isNotNull();
        assertThat(env(chat, "KEFU_UPLOAD_DIR")).as("no pod-local upload directory").isNull();
    }

    @Test
    void onlyTheGatewayIsReachableFromOutside() throws IOException {
        List<HasMetadata> objects = Manifests.render("production");
        for (Service s : Manifests.all(objects, Service.class)) {
            assertThat(s.getSpec().getType()).as("type of Service %s", s.getMetadata().getName()).isEqualTo("ClusterIP");
        }
        for (Ingress i : Manifests.all(objects, Ingress.class)) {
            assertThat(i.getSpec().getTls()).as("TLS of Ingress %s", i.getMetadata().getName()).isNotEmpty();
            i.getSpec().getRules().forEach(r -> r.getHttp().getPaths().forEach(p ->
                    assertThat(p.getBackend().getService().getName()).as("Ingress backend").isEqualTo("gateway")));
        }
        List<NetworkPolicy> policies = Manifests.all(objects, NetworkPolicy.class);
        assertThat(policies).as("a default-deny ingress policy").anySatisfy(p -> {
            assertThat(p.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
            assertThat(p.getSpec().getPodSelector().getMatchExpressions()).isNullOrEmpty();
            assertThat(p.getSpec().getIngress()).isNullOrEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"staging", "production"})
    void everyVariableAServiceIsGivenIsOneItReads(String overlay) throws IOException {
        List<HasMetadata> objects = Manifests.render(overlay);
        code.values().forEach(svc -> {
            Container container = Manifests.container(objects, svc.module());
            Set<String> given = new TreeSet<>();
            container.getEnv().forEach(e -> given.add(e.getName()));
            given.addAll(keysTakenWhole(objects, container));
            assertThat(svc.envRead()).as("variables %s reads; its manifest gives %s", svc.module(), given).containsAll(given);
        });
    }

    @Test
    void manifestsPassTheLinter() throws Exception {
        Path k8s = CodeFacts.ROOT.resolve("deploy/k8s");
        Process p = new ProcessBuilder("yamllint", "-f", "parsable", "-c", k8s.resolve(".yamllint").toString(), k8s.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("yamllint deploy/k8s (Debian's yamllint; ensure-services.sh installs it):%n%s", out).isZero();
    }

    private static EnvVar env(Container c, String name) {
        return c.getEnv().stream().filter(e -> name.equals(e.getName())).findFirst().orElse(null);
    }

    /** Keys of the ConfigMaps and Secrets a container takes whole with envFrom. */
    private static List<String> keysTakenWhole(List<HasMetadata> objects, Container c) {
        List<String> keys = new ArrayList<>(secretsTakenWhole(objects, c));
        for (EnvFromSource from : c.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                var map = Manifests.find(objects, io.fabric8.kubernetes.api.model.ConfigMap.class, from.getConfigMapRef().getName());
                assertThat(map).as("ConfigMap %s used by envFrom", from.getConfigMapRef().getName()).isNotNull();
                keys.addAll(map.getData().keySet());
            }
        }
        return keys;
    }

    private static List<String> secretsTakenWhole(List<HasMetadata> objects, Container c) {
        List<String> keys = new ArrayList<>();
        for (EnvFromSource from : c.getEnvFrom()) {
            if (from.getSecretRef() != null) {
                Secret secret = Manifests.find(objects, Secret.class, from.getSecretRef().getName());
                assertThat(secret).as("Secret %s used by envFrom", from.getSecretRef().getName()).isNotNull();
                if (secret.getData() != null) {
                    keys.addAll(secret.getData().keySet());
                }
                if (secret.getStringData() != null) {
                    keys.addAll(secret.getStringData().keySet());
                }
            }
        }
        return keys;
    }
}
