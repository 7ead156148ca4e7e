package io.kefu.common.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.testsupport.KefuApps;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** With no XXL-JOB admin, two instances share one Redis and each tick runs on exactly one of them. */
class LocalJobScheduleIT {

    @Test
    void eachTickRunsOnExactlyOneOfTwoInstancesUnderALockAKilledInstanceWouldNotKeep() throws Exception {
        CommonItApplication.TICKS.clear();
        CommonItApplication.LOCK_TTLS.clear();
        // A name of its own so that ticks claimed by another run on the same Redis cannot interfere.
        String app = "kefu-jobs-it-" + UUID.randomUUID();
        Map<String, Object> common = Map.of(
                "spring.application.name", app,
                "kefu.jobs.local.demo-tick.cron", "* * * * * *",
                "spring.cloud.function.definition", "",
                "spring.cloud.stream.function.autodetect", "false");
        ConfigurableApplicationContext a = KefuApps.start(CommonItApplication.class, with(common, "demo.instance", "a"));
        ConfigurableApplicationContext b = KefuApps.start(CommonItApplication.class, with(common, "demo.instance", "b"));
        try {
            DemoEvents.await(Duration.ofSeconds(30), "6 ticks", () -> CommonItApplication.TICKS.size() >= 6);
        } finally {
            a.close();
            b.close();
        }
        // Held under Redisson's watchdog (renewed while the holder lives, ~30 s to expire after a kill -9), not for
        // max-run (10 min), which left a killed instance's job to nobody for that long after the restart.
        assertThat(CommonItApplication.LOCK_TTLS).isNotEmpty().allMatch(ttl -> ttl > 0 && ttl <= 30_000);
        Map<Long, List<String>> ticks = Map.copyOf(CommonItApplication.TICKS);
        assertThat(ticks).hasSizeGreaterThanOrEqualTo(6);
        ticks.forEach((tick, instances) -> assertThat(instances).as("instances that ran tick %d", tick).hasSize(1));
        assertThat(ticks.keySet()).as("ticks fall on the cron's whole seconds").allMatch(t -> t % 1000 == 0);
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        var m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }
}
