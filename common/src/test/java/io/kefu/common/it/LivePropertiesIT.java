package io.kefu.common.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.it.CommonItApplication.DemoTunables;
import io.kefu.testsupport.KefuApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** A tunable changes in a running service on refresh, and a bad new value is refused. */
class LivePropertiesIT {

    @Test
    void aChangedPropertyIsSeenWithoutRestartAndABadOneIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("live.properties");
        Files.writeString(file, "demo.tunables.threshold=7\ndemo.tunables.mode=calm\n");
        ConfigurableApplicationContext app = KefuApps.start(CommonItApplication.class, Map.of(
                "spring.config.import", "optional:file:" + file,
                "spring.cloud.function.definition", "",
                "spring.cloud.stream.function.autodetect", "false"));
        try {
            @SuppressWarnings("unchecked")
            LiveProperties<DemoTunables> tunables = app.getBean("demoTunables", LiveProperties.class);
            assertThat(tunables.get()).isEqualTo(new DemoTunables(7, "calm"));

            Files.writeString(file, "demo.tunables.threshold=42\ndemo.tunables.mode=busy\n");
            assertThat(refresh(app)).isEqualTo(200);
            assertThat(tunables.get()).isEqualTo(new DemoTunables(42, "busy"));

            Files.writeString(file, "demo.tunables.threshold=1000\ndemo.tunables.mode=broken\n");
            assertThat(refresh(app)).isEqualTo(200);
            assertThat(tunables.get()).as("an out-of-range value keeps the last good one").isEqualTo(new DemoTunables(42, "busy"));
        } finally {
            app.close();
        }
    }

    private static int refresh(ConfigurableApplicationContext app) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + KefuApps.port(app) + "/actuator/refresh"))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
