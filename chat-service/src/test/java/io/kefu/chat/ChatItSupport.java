package io.kefu.chat;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.kefu.testsupport.KefuApps;
import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.TestTokens;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The one setup of chat-service's integration tests: every test class extends it and adds nothing
 * to the configuration, so they all share one Spring context (real PostgreSQL, Redis, RabbitMQ).
 * A test that needs another value of a hot setting changes it at run time ({@link #withLiveSettings})
 * — as Nacos or a refresh would — instead of starting a context of its own. Every test makes its own
 * tenant and users, so tests sharing the context do not see each other's data.
 *
 * <p>Played parties: one WireMock server is auth-service ({@code /internal/identities/resolve}),
 * WeChat's and WeCom's APIs. Local job schedules are off: tests run the handlers. Tokens come from the
 * test issuer; presence keys and the upload directory are this JVM's own.
 */
@KefuIntegrationTest(classes = ChatApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "kefu.jobs.local.channel-inbound-retry.cron=",
                "kefu.jobs.local.presence-purge.cron=",
                "kefu.jobs.local.remote-call-sweep.cron=",
                "kefu.jobs.local.outbox-housekeeping.cron=",
                "kefu.jobs.local.upload-orphan-sweep.cron=",
                "kefu.chat.channel.retry-delay=1s",
                "kefu.chat.channel.wechat-max-retries=0",
                "kefu.chat.conversation.send-rate-permits=1000",
                "kefu.chat.conversation.send-rate-period=60s",
                // Short presence times so that lapsing is quick (PresenceIT).
                ChatItSupport.PRESENCE_TTL, ChatItSupport.PRESENCE_REFRESH, ChatItSupport.PRESENCE_SWEEP, ChatItSupport.PRESENCE_LEASE,
                ChatItSupport.TOKEN_CHECK,
                "kefu.remote-calls.initial-backoff=200ms",
                "kefu.remote-calls.max-backoff=1s"})
public abstract class ChatItSupport {

    public static final String PRESENCE_TTL = "kefu.chat.realtime.presence-ttl=2s";
    public static final String PRESENCE_REFRESH = "kefu.chat.realtime.presence-refresh=300ms";
    public static final String PRESENCE_SWEEP = "kefu.chat.realtime.presence-sweep=300ms";
    public static final String PRESENCE_LEASE = "kefu.chat.realtime.presence-claim-lease=1s";
    public static final String TOKEN_CHECK = "kefu.chat.realtime.token-check=300ms";

    /**
     * Presence keys of this test JVM: Redis is shared with other runs on the machine, whose presence sweeps
     * would otherwise announce this run's users (into their own outbox). Pass it to extra instances too.
     */
    public static final String PRESENCE_KEYS = "kefu:it:presence:" + UUID.randomUUID();

    /** auth-service, WeChat's API and WeCom's API, played. */
    public static final WireMockServer WIREMOCK = new WireMockServer(wireMockConfig().dynamicPort());

    /** Where this JVM's chat-service instances store uploads. */
    public static final Path UPLOAD_STORAGE;

    private static ConfigurableApplicationContext secondInstance;

    static {
        WIREMOCK.start();
        try {
            UPLOAD_STORAGE = Files.createTempDirectory("kefu-chat-it").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            WIREMOCK.stop();
            try (Stream<Path> files = Files.walk(UPLOAD_STORAGE)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory
            }
        }));
    }

    @DynamicPropertySource
    static void chatTestSetup(DynamicPropertyRegistry registry) {
        settings().forEach((key, value) -> registry.add(key, () -> value));
    }

    /** The JVM-specific settings of every instance of this test run (the context's and extra ones). */
    private static Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("kefu.security.jwk-set-uri", TestTokens.jwkSetUri());
        settings.put("kefu.chat.realtime.presence-keys", PRESENCE_KEYS);
        settings.put("kefu.chat.auth-url", WIREMOCK.baseUrl());
        settings.put("kefu.chat.ticket-url", WIREMOCK.baseUrl());
        settings.put("kefu.chat.channel.wechat-api-base-url", WIREMOCK.baseUrl());
        settings.put("kefu.chat.channel.wecom-api-base-url", WIREMOCK.baseUrl());
        settings.put("kefu.chat.upload.storage-dir", UPLOAD_STORAGE.toString());
        return settings;
    }

    /** Another chat-service instance with this run's settings, sharing the database, Redis keys and issuer; the caller closes it. */
    public static ConfigurableApplicationContext startInstance() {
        return startInstance(Map.of());
    }

    /** {@link #startInstance()} with some settings of its own (another upload store, ...). */
    public static ConfigurableApplicationContext startInstance(Map<String, Object> extra) {
        ConfigurableApplicationContext started = startAlone(extra);
        // Frames are relayed only between instances that heard each other (RealtimeRelay's beacons): the new
        // one hears an answer to its hello once the others know it. Within seconds; a test then fails on its own.
        var relay = started.getBean(io.kefu.chat.realtime.RealtimeRelay.class);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (!relay.hasPeers() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return started;
    }

    /** {@link #startInstance(Map)} without waiting to hear another instance (one alone on a relay exchange of its own). */
    public static ConfigurableApplicationContext startAlone(Map<String, Object> extra) {
        Map<String, Object> settings = new LinkedHashMap<>(settings());
        for (String setting : List.of(PRESENCE_TTL, PRESENCE_REFRESH, PRESENCE_SWEEP, PRESENCE_LEASE, TOKEN_CHECK,
                "kefu.chat.conversation.send-rate-permits=1000", "kefu.jobs.local.remote-call-sweep.cron=",
                "kefu.jobs.local.channel-inbound-retry.cron=", "kefu.jobs.local.presence-purge.cron=",
                "kefu.jobs.local.upload-orphan-sweep.cron=")) {
            settings.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        }
        settings.putAll(extra);
        return KefuApps.start(ChatApplication.class, settings);
    }

    /** A second instance ({@link #startInstance()}) started once for the tests that need two; closed when the JVM ends. */
    public static synchronized ConfigurableApplicationContext secondInstance() {
        if (secondInstance == null) {
            ConfigurableApplicationContext started = startInstance();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
            secondInstance = started;
        }
        return secondInstance;
    }

    @Autowired
    private ConfigurableApplicationContext context;

    /**
     * Runs {@code work} with hot settings changed as Nacos or {@code /actuator/refresh} would change them,
     * then puts them back. Tests run one at a time, so no other test sees the change.
     */
    protected void withLiveSettings(Map<String, String> settings, ThrowingRunnable work) throws Exception {
        String name = "live-test-" + UUID.randomUUID();
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource(name, Map.copyOf(settings)));
        context.publishEvent(new EnvironmentChangeEvent(context, settings.keySet()));
        try {
            work.run();
        } finally {
            context.getEnvironment().getPropertySources().remove(name);
            context.publishEvent(new EnvironmentChangeEvent(context, settings.keySet()));
        }
    }

    @FunctionalInterface
    protected interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Polls {@code condition} until it holds, for at most 30 s. */
    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Gave up waiting for: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    public record Person(UUID id, UUID tenantId, String token) {
    }

    public static Person customer(UUID tenantId) {
        UUID id = UUID.randomUUID();
        return new Person(id, tenantId, TestTokens.token(id.toString(), tenantId.toString(), "customer", List.of("customer")));
    }

    public static Person agent(UUID tenantId) {
        UUID id = UUID.randomUUID();
        return new Person(id, tenantId, TestTokens.token(id.toString(), tenantId.toString(), "staff", List.of("agent")));
    }

    public static Person supervisor(UUID tenantId) {
        UUID id = UUID.randomUUID();
        return new Person(id, tenantId, TestTokens.token(id.toString(), tenantId.toString(), "staff", List.of("agent", "supervisor")));
    }

    public static Person admin(UUID tenantId) {
        UUID id = UUID.randomUUID();
        return new Person(id, tenantId, TestTokens.token(id.toString(), tenantId.toString(), "admin",
                List.of("agent", "supervisor", "admin")));
    }
}
