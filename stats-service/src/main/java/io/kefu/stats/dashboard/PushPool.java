package io.kefu.stats.dashboard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.kefu.common.config.LiveProperties;
import io.kefu.stats.StatsProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The seed's thread-pool gauge: push-service's sender pools in use (busy senders ÷ configured senders, all
 * channels), read from the gauges {@code kefu.push.pool.active} and {@code kefu.push.pool.size} on its
 * public Prometheus endpoint ({@code kefu.stats.push-metrics}). The pools are push-service's, not a
 * tenant's, and no event carries them, so they are read, kept a few seconds, and shown as they are now.
 */
@Component
class PushPool {

    private static final Logger log = LoggerFactory.getLogger(PushPool.class);
    static final Duration KEEP = Duration.ofSeconds(3);

    private final LiveProperties<StatsProperties> properties;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private volatile @Nullable Reading last;

    private record Reading(URI from, Instant at, @Nullable Double use) {
    }

    PushPool(LiveProperties<StatsProperties> properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /** Pool use 0–1, or null when not configured, unreadable, or no pool is configured. */
    @Nullable Double use() {
        URI url = properties.get().pushMetrics();
        if (url == null) {
            return null;
        }
        Reading r = last;
        Instant now = clock.instant();
        if (r != null && r.from().equals(url) && r.at().plus(KEEP).isAfter(now)) {
            return r.use();
        }
        Double use = read(url);
        last = new Reading(url, now, use);
        return use;
    }

    private @Nullable Double read(URI url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                log.warn("push-service metrics at {} answered {}", url, response.statusCode());
                return null;
            }
            return parse(response.body());
        } catch (java.io.IOException e) {
            log.warn("push-service metrics at {} unreadable: {}", url, e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Sums the two gauges over their channels from the Prometheus text format. */
    static @Nullable Double parse(String prometheus) {
        double active = 0;
        double size = 0;
        for (String line : prometheus.split("\n")) {
            if (line.startsWith("kefu_push_pool_active{") || line.startsWith("kefu_push_pool_active ")) {
                active += value(line);
            } else if (line.startsWith("kefu_push_pool_size{") || line.startsWith("kefu_push_pool_size ")) {
                size += value(line);
            }
        }
        return size <= 0 ? null : Math.min(1.0, active / size);
    }

    private static double value(String line) {
        String[] parts = line.substring(line.lastIndexOf('}') + 1).trim().split("\\s+");
        try {
            return Double.parseDouble(parts[0]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return 0;
        }
    }
}
