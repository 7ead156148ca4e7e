package io.kefu.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/k8s's overlays rendered the way {@code kubectl apply -k} would, into the Kubernetes API's types.
 * Rendering uses {@code kubectl kustomize} (Debian's kubectl, installed by deploy/local/ensure-services.sh)
 * on a copy of the tree in which each {@code *.env.example} stands in for the secrets file it documents.
 */
final class Manifests {

    private static final Map<String, List<HasMetadata>> RENDERED = new HashMap<>();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Manifests() {
    }

    static synchronized List<HasMetadata> render(String overlay) throws IOException {
        List<HasMetadata> cached = RENDERED.get(overlay);
        if (cached != null) {
            return cached;
        }
        Path copy = Files.createTempDirectory("kefu-k8s");
        Path source = CodeFacts.ROOT.resolve("deploy/k8s");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.toList()) {
                Path target = copy.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                    String name = f.getFileName().toString();
                    if (name.endsWith(".env.example")) {
                        Files.copy(f, target.resolveSibling(name.substring(0, name.length() - ".example".length())),
                                StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        String yaml = kustomize(copy.resolve("overlays").resolve(overlay));
        List<HasMetadata> objects = new ArrayList<>();
        Yaml snake = new Yaml();
        for (Object doc : snake.loadAll(yaml)) {
            if (doc instanceof Map<?, ?>) {
                Object parsed = SERIALIZATION.unmarshal(snake.dump(doc));
                if (!(parsed instanceof HasMetadata object)) {
                    throw new IllegalStateException("not a Kubernetes object: " + doc);
                }
                objects.add(object);
            }
        }
        RENDERED.put(overlay, List.copyOf(objects));
        return RENDERED.get(overlay);
    }

    private static String kustomize(Path dir) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new IllegalStateException("kubectl is needed to render deploy/k8s (apt-get install kubectl; "
                    + "deploy/local/ensure-services.sh installs it)", e);
        }
        try {
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + dir + " failed: " + err);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
    }

    static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
        return all(objects, type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst().orElse(null);
    }

    static Container container(List<HasMetadata> objects, String deployment) {
        Deployment d = find(objects, Deployment.class, deployment);
        if (d == null) {
            throw new AssertionError("no Deployment " + deployment + " in deploy/k8s");
        }
        List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
        return containers.stream().filter(c -> deployment.equals(c.getName())).findFirst().orElse(containers.getFirst());
    }

    /**
     * Fields the Kubernetes types did not recognise, with their paths: fabric8's model classes keep
     * them in {@code additionalProperties} instead of failing, so they are looked for everywhere.
     */
    static List<String> unknownFields(Object root) {
        List<String> found = new ArrayList<>();
        walk(root, root.getClass().getSimpleName(), found, new IdentityHashMap<>());
        return found;
    }

    private static void walk(Object node, String path, List<String> found, Map<Object, Boolean> seen) {
        if (node == null || seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof Collection<?> c) {
            int i = 0;
            for (Object o : c) {
                walk(o, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, found, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || getter.getDeclaringClass() == Object.class || !getter.getName().startsWith("get")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add(path + ": " + extra.keySet());
                }
                continue;
            }
            // Free-form maps (labels, ConfigMap data) hold strings; only model objects are walked.
            walk(value, path + "." + getter.getName().substring(3), found, seen);
        }
    }
}
