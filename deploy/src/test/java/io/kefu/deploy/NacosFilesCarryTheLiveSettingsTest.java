package io.kefu.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * What ops change live is what the services follow live: each service's Nacos file
 * ({@code deploy/nacos/<service>.yaml}) holds exactly its live settings with the values it runs with
 * ({@link NacosConfigs}), and no README calls a setting hot that the code does not follow live.
 * {@code -Dkefu.nacos.write=true} (or {@code make nacos-config}) rewrites the files from the code.
 */
class NacosFilesCarryTheLiveSettingsTest {

    /** A README table row about a kefu.* key that calls it hot. */
    private static final Pattern HOT_ROW = Pattern.compile("^\\|\\s*`(kefu\\.[a-z0-9.-]+)`.*\\bhot\\b.*$", Pattern.MULTILINE);

    @Test
    void everyServicesNacosFileHoldsExactlyItsLiveSettings() throws IOException {
        Map<String, CodeFacts.Service> services = CodeFacts.services();
        boolean write = Boolean.getBoolean("kefu.nacos.write");
        for (CodeFacts.Service s : services.values()) {
            Path file = NacosConfigs.DIR.resolve(s.name() + ".yaml");
            String expected = NacosConfigs.file(s.module(), s.name());
            if (write) {
                Files.writeString(file, expected);
            }
            assertThat(file).as("the Nacos file of %s", s.name()).exists();
            String committed = Files.readString(file);
            assertThat(NacosConfigs.keysOf(committed)).as("%s sets what %s follows live; regenerate with `make nacos-config`", file, s.name())
                    .containsExactlyElementsOf(NacosConfigs.keysOf(expected));
            assertThat(committed).as("%s is generated: regenerate with `make nacos-config`", file).isEqualTo(expected);
        }
        try (Stream<Path> files = Files.list(NacosConfigs.DIR)) {
            List<String> yamlFiles = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
            assertThat(yamlFiles).as("one Nacos file per service, none for anything else")
                    .containsExactlyInAnyOrderElementsOf(services.values().stream().map(s -> s.name() + ".yaml").toList());
        }
    }

    @Test
    void theFilesCarryTheTunablesOpsChange() {
        // Not only the relay: the limits and pools ops turn during an incident are there.
        assertThat(NacosConfigs.keysOf(NacosConfigs.file("gateway", "gateway")))
                .contains("kefu.gateway.rate-limit.api.replenish-rate", "kefu.gateway.cors.allowed-origins")
                .noneMatch(k -> k.startsWith("kefu.gateway.security."));
        assertThat(NacosConfigs.keysOf(NacosConfigs.file("push-service", "push-service")))
                .contains("kefu.push.dispatch.pools.sms", "kefu.push.pacing.wecom-per-minute", "kefu.events.relay-batch-size")
                .noneMatch(k -> k.contains("secret") || k.contains("access-key"));
        assertThat(NacosConfigs.keysOf(NacosConfigs.file("kb-ai-service", "kb-ai-service")))
                .contains("kefu.kbai.retrieval.auto-threshold", "kefu.kbai.retrieval.draft-threshold");
        assertThat(NacosConfigs.keysOf(NacosConfigs.file("chat-service", "chat-service")))
                .contains("kefu.chat.conversation.send-rate-permits", "kefu.chat.realtime.presence-ttl")
                .doesNotContain("kefu.chat.realtime.allowed-origins", "kefu.chat.realtime.heartbeat");
    }

    @Test
    void noReadmeCallsASettingHotThatTheServiceReadsOnlyAtStart() {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (CodeFacts.Service s : CodeFacts.services().values()) {
            Path readme = CodeFacts.ROOT.resolve(s.module()).resolve("README.md");
            if (!Files.exists(readme)) {
                continue;
            }
            Map<String, Boolean> live = NacosConfigs.liveKeys(s.module());
            Matcher m = HOT_ROW.matcher(CodeFacts.read(readme));
            while (m.find()) {
                String key = m.group(1).replaceAll("\\.$", "");
                checked++;
                List<Boolean> startOnly = live.entrySet().stream().filter(e -> e.getKey().equals(key) || e.getKey().startsWith(key + "."))
                        .map(Map.Entry::getValue).toList();
                if (startOnly.isEmpty()) {
                    wrong.add(s.module() + "/README.md: " + key + " (in no live properties record)");
                } else if (startOnly.contains(true)) {
                    wrong.add(s.module() + "/README.md: " + key + " (read at start)");
                }
            }
        }
        assertThat(checked).as("README rows that call a setting hot").isGreaterThan(10);
        assertThat(wrong).as("settings a README calls hot that the code does not follow live").isEmpty();
    }
}
