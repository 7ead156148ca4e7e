package io.kefu.stats.dashboard;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.kefu.common.config.LiveProperties;
import io.kefu.stats.StatsProperties;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.annotation.PreDestroy;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/stats/stream}: server-sent events of the tenant's realtime snapshot. The page
 * reads it with fetch (so the token travels in the Authorization header, never in a URL). Every
 * instance hears, through a Redis topic, that a tenant's figures changed (whichever instance
 * ingested the event); at most every {@code streamInterval} it sends one fresh snapshot to that
 * tenant's streams, and a comment every 15 s keeps proxies from closing an idle stream.
 */
@RestController
class LiveStream {

    private static final Logger log = LoggerFactory.getLogger(LiveStream.class);
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);

    private final Scope scope;
    private final StatsViews views;
    private final LiveProperties<StatsProperties> properties;
    private final Map<UUID, List<SseEmitter>> streams = new ConcurrentHashMap<>();
    private final Set<UUID> dirty = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("stats-stream").factory());
    private volatile long lastHeartbeat = System.nanoTime();

    LiveStream(Scope scope, StatsViews views, LiveProperties<StatsProperties> properties, RedissonClient redis) {
        this.scope = scope;
        this.views = views;
        this.properties = properties;
        redis.getTopic(LiveBoard.TOPIC, StringCodec.INSTANCE).addListener(String.class, (channel, tenant) -> {
            try {
                UUID id = UUID.fromString(tenant);
                if (streams.containsKey(id)) {
                    dirty.add(id);
                }
            } catch (IllegalArgumentException e) {
                log.debug("ignoring {} on {}", tenant, channel);
            }
        });
        schedule();
    }

    @GetMapping(value = "/api/stats/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Server-sent events: 'realtime' with the snapshot of /api/stats/realtime, at once and within a second of each change")
    SseEmitter stream(@RequestParam(required = false) String tenantId) throws IOException {
        UUID tenant = scope.tenant(tenantId);
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        List<SseEmitter> list = streams.computeIfAbsent(tenant, k -> new CopyOnWriteArrayList<>());
        list.add(emitter);
        Runnable remove = () -> list.remove(emitter);
        emitter.onCompletion(remove);
        emitter.onTimeout(remove);
        emitter.onError(e -> remove.run());
        emitter.send(SseEmitter.event().name("realtime").data(views.realtime(scope.todayOf(tenant)), MediaType.APPLICATION_JSON));
        return emitter;
    }

    private void schedule() {
        long millis = Math.max(50, properties.get().streamInterval().toMillis());
        ticker.schedule(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                log.warn("live stream tick failed: {}", e.toString());
            } finally {
                schedule();
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        for (UUID tenant : List.copyOf(dirty)) {
            dirty.remove(tenant);
            List<SseEmitter> list = streams.get(tenant);
            if (list == null || list.isEmpty()) {
                continue;
            }
            StatsViews.Realtime snapshot = views.realtime(scope.todayOf(tenant));
            for (SseEmitter emitter : list) {
                send(list, emitter, SseEmitter.event().name("realtime").data(snapshot, MediaType.APPLICATION_JSON));
            }
        }
        if (System.nanoTime() - lastHeartbeat > HEARTBEAT.toNanos()) {
            lastHeartbeat = System.nanoTime();
            streams.values().forEach(list -> list.forEach(emitter -> send(list, emitter, SseEmitter.event().comment("keep-alive"))));
        }
    }

    private static void send(List<SseEmitter> list, SseEmitter emitter, SseEmitter.SseEventBuilder event) {
        try {
            emitter.send(event);
        } catch (IOException | IllegalStateException e) {
            list.remove(emitter);
        }
    }

    @PreDestroy
    void stop() {
        ticker.shutdownNow();
        streams.values().forEach(list -> list.forEach(SseEmitter::complete));
    }
}
