package io.kefu.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * The real PostgreSQL, Redis and RabbitMQ that tests talk to: containers when a Docker engine is
 * available, the machine's own services otherwise (addresses from {@code KEFU_DB_HOST},
 * {@code KEFU_REDIS_HOST}, {@code KEFU_RABBIT_HOST}, ... defaulting to localhost).
 *
 * <p>Each test JVM gets its own database ({@code kefu_it_<random>}) and, where RabbitMQ's
 * management API answers, its own vhost, both removed when the JVM exits, so concurrent runs
 * (two modules, two developers, CI) never see each other's rows or queues. Redis is shared; tests
 * use names of their own there.
 */
public final class KefuInfrastructure {

    private static final Logger log = LoggerFactory.getLogger(KefuInfrastructure.class);
    private static Endpoints endpoints;

    private KefuInfrastructure() {
    }

    /** Where everything is; started on first use, once per JVM. */
    public static synchronized Endpoints endpoints() {
        if (endpoints == null) {
            endpoints = dockerAvailable() ? containers() : local();
            log.info("Test infrastructure: {}", endpoints);
        }
        return endpoints;
    }

    /** Spring properties that point an application at this infrastructure. */
    public static Map<String, String> springProperties() {
        Endpoints e = endpoints();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("spring.datasource.url", e.jdbcUrl());
        p.put("spring.datasource.username", e.dbUser());
        p.put("spring.datasource.password", e.dbPassword());
        p.put("spring.data.redis.host", e.redisHost());
        p.put("spring.data.redis.port", String.valueOf(e.redisPort()));
        p.put("spring.rabbitmq.host", e.rabbitHost());
        p.put("spring.rabbitmq.port", String.valueOf(e.rabbitPort()));
        p.put("spring.rabbitmq.username", e.rabbitUser());
        p.put("spring.rabbitmq.password", e.rabbitPassword());
        p.put("spring.rabbitmq.virtual-host", e.rabbitVhost());
        // Job ticks and locks are per deployment in Redis: this run's database names its deployment.
        p.put("kefu.jobs.lock-namespace", e.jdbcUrl().replaceFirst("\\?.*$", "").replaceFirst("^.*/", ""));
        return p;
    }

    private static boolean dockerAvailable() {
        if ("false".equalsIgnoreCase(System.getenv("KEFU_TEST_CONTAINERS"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @SuppressWarnings("resource") // containers live as long as the JVM; Testcontainers' reaper removes them
    private static Endpoints containers() {
        PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:16-alpine")
                .withDatabaseName("kefu").withUsername("kefu").withPassword("kefu");
        GenericContainer<?> redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
        RabbitMQContainer rabbit = new RabbitMQContainer("rabbitmq:3.13-management");
        postgres.start();
        redis.start();
        rabbit.start();
        return new Endpoints("containers", postgres.getJdbcUrl(), "kefu", "kefu",
                redis.getHost(), redis.getMappedPort(6379),
                rabbit.getHost(), rabbit.getAmqpPort(), rabbit.getAdminUsername(), rabbit.getAdminPassword(), "/",
                rabbit.getHttpUrl());
    }

    private static Endpoints local() {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String dbHost = env("KEFU_DB_HOST", "127.0.0.1");
        String dbPort = env("KEFU_DB_PORT", "5432");
        String user = env("KEFU_DB_USER", "kefu");
        String password = env("KEFU_DB_PASSWORD", "kefu");
        String adminUrl = "jdbc:postgresql://" + dbHost + ":" + dbPort + "/" + env("KEFU_DB_NAME", "kefu");
        String database = "kefu_it_" + suffix;
        try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
            s.execute("create database " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test database on " + adminUrl + " as " + user
                    + " (run deploy/local/ensure-services.sh, which creates the kefu role): " + e.getMessage(), e);
        }
        afterSpringShutdown(() -> dropDatabase(adminUrl, user, password, database));

        String rabbitHost = env("KEFU_RABBIT_HOST", "127.0.0.1");
        String rabbitUser = env("KEFU_RABBIT_USER", "guest");
        String rabbitPassword = env("KEFU_RABBIT_PASSWORD", "guest");
        String management = "http://" + rabbitHost + ":" + env("KEFU_RABBIT_MANAGEMENT_PORT", "15672");
        String vhost = createVhost(management, rabbitUser, rabbitPassword, "kefu-it-" + suffix);

        return new Endpoints("local", "jdbc:postgresql://" + dbHost + ":" + dbPort + "/" + database, user, password,
                env("KEFU_REDIS_HOST", "127.0.0.1"), Integer.parseInt(env("KEFU_REDIS_PORT", "6379")),
                rabbitHost, Integer.parseInt(env("KEFU_RABBIT_PORT", "5672")), rabbitUser, rabbitPassword, vhost, management);
    }

    /**
     * Runs {@code cleanUp} when the JVM exits, once Spring Boot's own shutdown hook has closed the test contexts.
     * The JVM runs its hooks side by side: a vhost or database dropped while a context still runs sent its
     * consumers and jobs into reconnect loops and confirm waits, which held the fork's exit past surefire's 30 s.
     */
    private static void afterSpringShutdown(Runnable cleanUp) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                // The hooks are started one after another: give Spring's a moment to be there (none: no context ran).
                for (int look = 0; look < 10; look++) {
                    List<Thread> spring = Thread.getAllStackTraces().keySet().stream()
                            .filter(t -> t.getName().equals("SpringApplicationShutdownHook")).toList();
                    if (!spring.isEmpty()) {
                        for (Thread hook : spring) {
                            hook.join(20_000);
                        }
                        break;
                    }
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cleanUp.run();
        }));
    }

    private static String createVhost(String management, String user, String password, String vhost) {
        RabbitManagement api = new RabbitManagement(management, user, password);
        try {
            api.put("/api/vhosts/" + vhost, "{}");
            api.put("/api/permissions/" + vhost + "/" + user, "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
            afterSpringShutdown(() -> {
                try {
                    api.delete("/api/vhosts/" + vhost);
                } catch (RuntimeException e) {
                    log.warn("Could not delete test vhost {}: {}", vhost, e.getMessage());
                }
            });
            return vhost;
        } catch (RuntimeException e) {
            log.warn("RabbitMQ management API at {} not usable ({}); tests share vhost / with unique queue names", management, e.getMessage());
            return "/";
        }
    }

    private static void dropDatabase(String adminUrl, String user, String password, String database) {
        try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
            s.execute("drop database if exists " + database + " with (force)");
        } catch (SQLException e) {
            System.err.println("Could not drop test database " + database + ": " + e.getMessage());
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Addresses of the infrastructure in use. */
    public record Endpoints(String mode, String jdbcUrl, String dbUser, String dbPassword, String redisHost, int redisPort,
            String rabbitHost, int rabbitPort, String rabbitUser, String rabbitPassword, String rabbitVhost,
            String rabbitManagementUrl) {

        @Override
        public String toString() {
            return mode + " (" + jdbcUrl + ", redis " + redisHost + ":" + redisPort + ", amqp " + rabbitHost + ":" + rabbitPort
                    + " vhost " + rabbitVhost + ")";
        }
    }

    /** A small client of RabbitMQ's management HTTP API. */
    public static final class RabbitManagement {

        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3)).build();
        private final String base;
        private final String auth;

        RabbitManagement(String base, String user, String password) {
            this.base = base;
            this.auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
        }

        public String get(String path) {
            return send(HttpRequest.newBuilder(uri(path)).GET());
        }

        public void put(String path, String json) {
            send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
        }

        public void delete(String path) {
            send(HttpRequest.newBuilder(uri(path)).DELETE());
        }

        private URI uri(String path) {
            return URI.create(base + path);
        }

        private String send(HttpRequest.Builder request) {
            try {
                HttpResponse<String> response = http.send(request.header("authorization", auth).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() >= 300) {
                    throw new IllegalStateException(response.statusCode() + " from " + response.uri() + ": " + response.body());
                }
                return response.body();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("RabbitMQ management API not reachable: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
