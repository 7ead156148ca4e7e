package io.kefu.deploy.e2e;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Any set of Kefu services started from their jars, each in its own process on a free port, wired to
 * each other ({@code KEFU_<SERVICE>_URL}) and behind one gateway — the suite as `make run` starts it.
 * End-to-end tests start what they need with this instead of their own start-up code:
 *
 * <pre>{@code
 * suite = SuiteProcesses.of("auth-service", "chat-service", "routing-service")
 *         .everywhere("WECHAT_API_BASE_URL", wechat.baseUrl())
 *         .admin("e2e-my-admin", password)
 *         .start();
 * GatewayApi api = suite.api();
 * }</pre>
 */
final class SuiteProcesses implements AutoCloseable {

    /** The port variable each service reads to find another (the gateway's and the services' YAML). */
    private static final Map<String, String> URL_VARIABLES = Map.of(
            "auth-service", "KEFU_AUTH_URL",
            "chat-service", "KEFU_CHAT_URL",
            "routing-service", "KEFU_ROUTING_URL",
            "push-service", "KEFU_PUSH_URL",
            "ticket-service", "KEFU_TICKET_URL",
            "kb-ai-service", "KEFU_KB_AI_URL",
            "stats-service", "KEFU_STATS_URL");

    /** Generous: several JVMs start side by side on two cores (raise with -De2e.start-timeout-seconds on a busy machine). */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(Long.getLong("e2e.start-timeout-seconds", 420));

    private final Map<String, ServiceProcess> services;
    /** What each service was started with, so that a fault test can start it again as it was. */
    private final Map<String, Map<String, String>> settings;
    private final ServiceProcess gateway;
    /** What the gateway was started with, for {@link #startAnotherGateway}. */
    private final Map<String, String> gatewaySettings;
    /** Gateways started after the first ({@link #startAnotherGateway}). */
    private final List<ServiceProcess> moreGateways = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final GatewayApi api;

    private SuiteProcesses(Map<String, ServiceProcess> services, Map<String, Map<String, String>> settings, ServiceProcess gateway,
            Map<String, String> gatewaySettings) {
        this.services = services; // a restarted service keeps its place: stopped in start order's reverse
        this.settings = settings;
        this.gateway = gateway;
        this.gatewaySettings = gatewaySettings;
        this.api = new GatewayApi(gateway.port());
    }

    /** The services to start (module names); the gateway is always started in front of them. */
    static Builder of(String... modules) {
        return new Builder(List.of(modules));
    }

    /** The running service of {@code module} (for its internal API or to stop/kill it). */
    ServiceProcess service(String module) {
        ServiceProcess service = services.get(module);
        if (service == null) {
            throw new IllegalArgumentException(module + " was not started in this suite; started: " + services.keySet());
        }
        return service;
    }

    /** Kills {@code module} with SIGKILL; {@link #restart} brings it back. */
    void kill(String module) throws InterruptedException {
        service(module).kill();
    }

    /** Starts {@code module} again (after {@link #kill}) on its port with the settings it was first started with. */
    ServiceProcess restart(String module) throws Exception {
        ServiceProcess old = service(module);
        ServiceProcess again = ServiceProcess.start(module, old.port(), settings.get(module), START_TIMEOUT);
        services.put(module, again);
        return again;
    }

    /** Every process of the suite, the gateways last. */
    List<ServiceProcess> all() {
        List<ServiceProcess> all = new ArrayList<>(services.values());
        all.addAll(gateways());
        return all;
    }

    ServiceProcess gateway() {
        return gateway;
    }

    /** The first gateway, then those {@link #startAnotherGateway} started. */
    List<ServiceProcess> gateways() {
        List<ServiceProcess> all = new ArrayList<>(List.of(gateway));
        all.addAll(moreGateways);
        return all;
    }

    /**
     * One more gateway in front of the same services, with the first one's settings on a port of its own
     * (and a management port of its own, as every gateway here): the gateway keeps no state of its own, so
     * instances side by side behind a load balancer are how it scales. Stopped with the suite.
     */
    ServiceProcess startAnotherGateway() throws Exception {
        ServiceProcess another = ServiceProcess.start("gateway", freePort(), gatewaySettings, START_TIMEOUT);
        moreGateways.add(another);
        return another;
    }

    /** HTTP and WebSocket access through the gateway, as clients reach the suite. */
    GatewayApi api() {
        return api;
    }

    @Override
    public void close() throws InterruptedException {
        for (ServiceProcess another : moreGateways) {
            another.stop();
        }
        gateway.stop();
        List<ServiceProcess> running = new ArrayList<>(services.values());
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).stop();
        }
    }

    static final class Builder {

        private final List<String> modules;
        private final Map<String, String> everywhere = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> perModule = new LinkedHashMap<>();

        private Builder(List<String> modules) {
            for (String module : modules) {
                if (!URL_VARIABLES.containsKey(module)) {
                    throw new IllegalArgumentException("unknown service " + module + "; known: " + URL_VARIABLES.keySet());
                }
            }
            this.modules = List.copyOf(modules);
        }

        /** A setting every service and the gateway get (e.g. {@code WECHAT_API_BASE_URL} of a WireMock). */
        Builder everywhere(String key, String value) {
            everywhere.put(key, value);
            return this;
        }

        /** A setting only {@code module} gets ({@code gateway} for the gateway). */
        Builder setting(String module, String key, String value) {
            perModule.computeIfAbsent(module, m -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        /** The superadmin auth creates at start-up; use a name of the test's own (the database is shared by the e2e classes). */
        Builder admin(String username, String password) {
            return setting("auth-service", "KEFU_ADMIN_USERNAME", username).setting("auth-service", "KEFU_ADMIN_PASSWORD", password);
        }

        SuiteProcesses start() throws Exception {
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (String module : modules) {
                ports.put(module, freePort());
            }
            Map<String, String> wiring = new LinkedHashMap<>();
            ports.forEach((module, port) -> wiring.put(URL_VARIABLES.get(module), "http://127.0.0.1:" + port));
            if (ports.containsKey("chat-service")) {
                wiring.put("KEFU_CHAT_WS_URL", "ws://127.0.0.1:" + ports.get("chat-service"));
            }
            if (ports.containsKey("chat-service") && !perModule.getOrDefault("chat-service", Map.of()).containsKey("KEFU_UPLOAD_DIR")) {
                setting("chat-service", "KEFU_UPLOAD_DIR", "target/e2e-uploads");
            }

            // The services start side by side; each waits for its own readiness.
            Map<String, CompletableFuture<ServiceProcess>> starting = new LinkedHashMap<>();
            Map<String, Map<String, String>> started = new LinkedHashMap<>();
            for (String module : modules) {
                Map<String, String> settings = settingsOf(module, wiring);
                started.put(module, settings);
                starting.put(module, CompletableFuture.supplyAsync(() -> startOne(module, ports.get(module), settings)));
            }
            Map<String, ServiceProcess> running = new LinkedHashMap<>();
            try {
                for (var entry : starting.entrySet()) {
                    running.put(entry.getKey(), entry.getValue().join());
                }
            } catch (RuntimeException failed) {
                for (CompletableFuture<ServiceProcess> other : starting.values()) {
                    other.thenAccept(SuiteProcesses::stopQuietly);
                }
                throw failed;
            }
            Map<String, String> gatewaySettings = new LinkedHashMap<>(GatewaySettings.forEndToEnd());
            gatewaySettings.putAll(settingsOf("gateway", wiring));
            ServiceProcess gateway;
            try {
                gateway = ServiceProcess.start("gateway", freePort(), gatewaySettings, START_TIMEOUT);
            } catch (Exception failed) {
                running.values().forEach(SuiteProcesses::stopQuietly);
                throw failed;
            }
            return new SuiteProcesses(running, started, gateway, gatewaySettings);
        }

        private Map<String, String> settingsOf(String module, Map<String, String> wiring) {
            Map<String, String> settings = new LinkedHashMap<>(wiring);
            settings.putAll(everywhere);
            settings.putAll(perModule.getOrDefault(module, Map.of()));
            return settings;
        }
    }

    private static ServiceProcess startOne(String module, int port, Map<String, String> settings) {
        try {
            return ServiceProcess.start(module, port, settings, START_TIMEOUT);
        } catch (Exception e) {
            throw new IllegalStateException(module.toLowerCase(Locale.ROOT) + " did not start", e);
        }
    }

    private static void stopQuietly(ServiceProcess service) {
        try {
            service.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
