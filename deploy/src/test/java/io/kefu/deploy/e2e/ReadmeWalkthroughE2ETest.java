package io.kefu.deploy.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kefu.deploy.CodeFacts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The root README's "First steps" walkthrough, run as written: its {@code bash} blocks, in order, in one
 * shell against the running jars of auth and chat behind the gateway. A command that no longer works
 * (a renamed field, a changed path, a stricter check) fails this test instead of a new user.
 */
class ReadmeWalkthroughE2ETest {

    static final String SECTION = "## First steps";
    static final String ADMIN = "e2e-readme-admin"; // its own: the e2e classes share one database
    static final String ADMIN_PASSWORD = "e2e-admin-password-" + UUID.randomUUID();

    static SuiteProcesses suite;

    @BeforeAll
    static void startTheSuite() throws Exception {
        suite = SuiteProcesses.of("auth-service", "chat-service").admin(ADMIN, ADMIN_PASSWORD).start();
    }

    @AfterAll
    static void stopTheSuite() throws Exception {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void theReadmesFirstStepsRunAsWrittenAndLeaveATenantItsStaffAndBothChannels() throws Exception {
        List<String> blocks = walkthroughBlocks();
        assertThat(blocks).as("bash blocks of the README's first steps").hasSizeGreaterThanOrEqualTo(4);
        String script = "set -euo pipefail\n" + String.join("\n", blocks);

        ProcessBuilder shell = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
        shell.environment().put("KEFU", suite.api().uri("").toString());
        shell.environment().put("KEFU_ADMIN_USERNAME", ADMIN);
        shell.environment().put("KEFU_ADMIN_PASSWORD", ADMIN_PASSWORD);
        Process process = shell.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the walkthrough finishes").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("the walkthrough's output:\n" + output).isZero();

        // What a user reads on the screen: the created staff, both channels with their secrets sealed, WeChat's echo.
        assertThat(output).contains("\"username\": \"demo-admin\"", "\"username\": \"demo-agent\"", "\"kind\": \"mp\"", "\"kind\": \"wecom\"",
                "\"aesKeySet\": true", "callback/mp/wx0123456789abcdef", "callback/wecom/ww0123456789abcdef/1000002");
        assertThat(output.lines()).as("the callback URL check echoes WeChat's echostr").contains("hello-kefu");
        assertThat(output).doesNotContain("null");

        // And the suite holds what the walkthrough said: the agent signs in, the admin sees both channels.
        String agent = suite.api().login("demo-agent", "demo-agent-pass");
        assertThat(agent).isNotBlank();
        String admin = suite.api().login("demo-admin", "demo-admin-pass");
        JsonNode channels = suite.api().call("GET", "/api/admin/channels", admin, null);
        assertThat(channels.findValuesAsString("kind")).containsExactlyInAnyOrder("mp", "wecom");
        assertThat(channels.findValuesAsString("name")).containsExactlyInAnyOrder("Demo shop OA", "Demo shop WeCom");
    }

    /** The {@code bash} fenced blocks of the README section, in order. */
    static List<String> walkthroughBlocks() throws Exception {
        String readme = Files.readString(CodeFacts.ROOT.resolve("README.md"));
        int start = readme.indexOf(SECTION);
        assertThat(start).as("README section " + SECTION).isNotNegative();
        int end = readme.indexOf("\n## ", start + SECTION.length());
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        List<String> blocks = new ArrayList<>();
        Matcher fence = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (fence.find()) {
            blocks.add(fence.group(1));
        }
        return blocks;
    }
}
