package io.kefu.push.sender;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.kefu.common.config.LiveProperties;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The one HTTP client of the senders (JDK client on virtual threads, no redirects followed so a
 * webhook cannot bounce us to an internal address), and the transient/permanent rule every provider
 * shares: time-outs, connection failures, 429 and 5xx are worth retrying; other 4xx are not.
 */
@Component
public class ProviderHttp {

    /** Set while an urgent-lane message (priority 9-10) is being sent on this thread. */
    private static final ThreadLocal<Boolean> URGENT = ThreadLocal.withInitial(() -> false);

    private final HttpClient client;
    /**
     * The urgent lane's own client: its connections and its selector thread are not shared with the
     * hundreds of bulk calls a batch keeps in flight, so an urgent call never queues behind them.
     */
    private final HttpClient urgentClient;
    private final LiveProperties<SenderProperties> properties;

    ProviderHttp(LiveProperties<SenderProperties> properties) {
        this.properties = properties;
        this.client = newClient();
        this.urgentClient = newClient();
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Runs {@code send} (a sender's call for an urgent-lane message) with the provider calls it makes on the urgent client. */
    public static <T> T urgent(java.util.function.Supplier<T> send) {
        URGENT.set(true);
        try {
            return send.get();
        } finally {
            URGENT.remove();
        }
    }

    /** An answer with a 2xx status, or the outcome to record instead. */
    public record Answer(int status, String body, @Nullable SendOutcome failure) {
    }

    public Answer post(String url, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(properties.get().timeout())
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    public Answer get(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(properties.get().timeout()).GET();
        headers.forEach(request::header);
        return send(request.build());
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = (URGENT.get() ? urgentClient : client).send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            String body = response.body() == null ? "" : response.body();
            if (status == 429 || status >= 500) {
                Duration after = response.headers().firstValue("Retry-After").flatMap(ProviderHttp::seconds).orElse(null);
                return new Answer(status, body, new SendOutcome.Retry("HTTP " + status + " " + SendOutcome.excerpt(body), after));
            }
            if (status >= 300) {
                return new Answer(status, body, new SendOutcome.Failed("HTTP " + status + " " + SendOutcome.excerpt(body)));
            }
            return new Answer(status, body, null);
        } catch (HttpTimeoutException e) {
            return new Answer(0, "", new SendOutcome.Retry("time-out after " + properties.get().timeout().toMillis() + " ms", null));
        } catch (IOException e) {
            return new Answer(0, "", new SendOutcome.Retry("connection failed: " + e, null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, "", new SendOutcome.Retry("interrupted", null));
        } catch (IllegalArgumentException e) {
            return new Answer(0, "", new SendOutcome.Failed("bad provider URL: " + e.getMessage()));
        }
    }

    private static Optional<Duration> seconds(String value) {
        try {
            long s = Long.parseLong(value.trim());
            return s >= 0 && s <= 3600 ? Optional.of(Duration.ofSeconds(s)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
