package io.kefu.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser (Debian's chromium + chromium-driver, headless), served by
 * stats-service itself (the gateway is not started in this test; {@code StandInLogin} plays auth's
 * password login on the same origin). After known events: each card shows what the API returns, a
 * live event changes a card without reloading, a drill-down opens, agents are refused. Screenshots
 * go to target/dashboard-*.png.
 */
class DashboardBrowserIT extends StatsItSupport {

    static final Path CHROMIUM = Path.of(System.getProperty("kefu.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("kefu.chromedriver", "/usr/bin/chromedriver"));

    final UUID tenant = UUID.randomUUID();
    WebDriver browser;
    Path profile;

    @BeforeEach
    void startBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER), "chromium and chromium-driver are installed (deploy/local/ensure-services.sh)");
        profile = Files.createTempDirectory("kefu-chromium-");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1600,1000", "--lang=zh-CN");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }

    @AfterEach
    void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    void today() {
        UUID x = UUID.randomUUID();
        UUID y = UUID.randomUUID();
        Instant now = io.kefu.testsupport.TenantDay.nowWithAtLeast(java.time.Duration.ofMinutes(10)); // events go back 600 s
        // the tenant works round the clock (auth's hours, first): its business-hours values equal the calendar ones
        publish(rabbit, "auth.tenant.configured.v1", tenant, tenant, Map.of("tenantId", tenant.toString(), "name", "店铺", "status", "active",
                "businessHours", "00:00-24:00", "version", 1, "occurredAt", now.toString()));
        awaitStored(tenant, 1);
        agentStatus(rabbit, tenant, x, "李客服", "online", 1, now.minusSeconds(600));
        agentStatus(rabbit, tenant, y, "王客服", "busy", 5, now.minusSeconds(600));
        conversation(tenant, UUID.randomUUID(), "mp").opened(now.minusSeconds(300)).queued(now.minusSeconds(300))
                .replied("ai", UUID.randomUUID(), now.minusSeconds(299)).assigned(x, now.minusSeconds(280)).replied("staff", x, now.minusSeconds(255))
                .ended(x, now.minusSeconds(300), now.minusSeconds(100)).rated(x, 5, now.minusSeconds(90));
        conversation(tenant, UUID.randomUUID(), "miniapp").opened(now.minusSeconds(200)).queued(now.minusSeconds(200))
                .assigned(y, now.minusSeconds(190)).replied("staff", y, now.minusSeconds(105)).ended(y, now.minusSeconds(200), now.minusSeconds(60))
                .rated(y, 2, now.minusSeconds(50));
        conversation(tenant, UUID.randomUUID(), "wecom").opened(now.minusSeconds(120)).queued(now.minusSeconds(120));
        conversation(tenant, UUID.randomUUID(), "miniapp").opened(now.minusSeconds(100)).aiRequested(now.minusSeconds(100));
        awaitStored(tenant, 1 + 2 + 7 + 6 + 2 + 2);
    }

    WebElement card(String name) {
        return browser.findElement(By.cssSelector("[data-card='" + name + "'] .value"));
    }

    void signIn(String role) {
        browser.get("http://127.0.0.1:" + port() + "/dashboard");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(d -> d.findElement(By.id("login")).isDisplayed());
        browser.findElement(By.id("username")).sendKeys(tenant + "/" + role);
        browser.findElement(By.id("password")).sendKeys(io.kefu.statstest.StandInLogin.PASSWORD);
        browser.findElement(By.id("login-submit")).click();
    }

    @Test
    void eachCardShowsTheApiFigureUpdatesLiveAndDrillsDown() throws IOException {
        today();
        signIn("supervisor");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(d -> d.findElement(By.id("board")).isDisplayed() && !card("waiting").getText().equals("—"));
        wait.until(d -> d.findElement(By.id("live")).getText().equals("实时"));

        JsonNode rt = get("/api/stats/realtime", supervisor(tenant)).body();
        JsonNode f = rt.path("today").path("figures");
        JsonNode g = rt.path("gauges");
        assertThat(card("waiting").getText()).isEqualTo(count(g.path("waitingNow").asLong())).isEqualTo("1");
        assertThat(card("online").getText()).isEqualTo(count(g.path("online").asLong() + g.path("busy").asLong())).isEqualTo("2");
        assertThat(card("frt").getText()).isEqualTo(seconds(f.path("frt").path("value").asDouble())).isEqualTo("1分10秒"); // (45 + 95) / 2
        assertThat(card("csat").getText()).isEqualTo(rate(f.path("csat").path("value").asDouble())).isEqualTo("50.0%");
        assertThat(card("deflection").getText()).isEqualTo("—"); // the AI conversation's 24 h window has not passed
        assertThat(rt.path("today").path("derived").path("deflection").path("pending").asLong()).isEqualTo(1);
        assertThat(card("sla").getText()).isEqualTo("—");
        assertThat(card("push.total").getText()).isEqualTo(count(f.path("push.sent").path("count").asLong()));
        assertThat(card("push.failed").getText()).isEqualTo(count(f.path("push.failed").path("count").asLong()));
        assertThat(card("push.rate").getText()).isEqualTo("—");
        // the business-hours panel, shown for a tenant with hours, with the API's figures
        assertThat(rt.path("businessHours").asString()).isEqualTo("00:00-24:00");
        assertThat(browser.findElement(By.id("business")).isDisplayed()).isTrue();
        assertThat(card("frt.business").getText()).isEqualTo(seconds(f.path("frt.business").path("value").asDouble()))
                .isEqualTo(card("frt").getText());
        assertThat(card("queue.wait.business").getText()).isEqualTo(seconds(f.path("queue.wait.business").path("value").asDouble()))
                .isEqualTo("15秒"); // (20 + 10) / 2
        wait.until(d -> !d.findElement(By.cssSelector("[data-state='pie']")).isDisplayed());
        shot("dashboard-overview");

        // a live event: one more customer starts waiting; the card changes without a reload
        conversation(tenant, UUID.randomUUID(), "mp").opened(Instant.now()).queued(Instant.now());
        long published = System.nanoTime();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> card("waiting").getText().equals("2"));
        long millis = (System.nanoTime() - published) / 1_000_000;
        System.out.println("[dashboard] live update seen in the browser " + millis + " ms after publishing");

        // a drill-down opens with the conversations behind the figure
        browser.findElement(By.cssSelector("[data-card='frt']")).click();
        wait.until(d -> d.findElement(By.id("drill")).isDisplayed()
                && d.findElements(By.cssSelector("#drill-table tbody tr")).size() == 2);
        assertThat(browser.findElement(By.id("drill-title")).getText()).contains("首次响应");
        assertThat(browser.findElement(By.id("drill-count")).getText()).contains("共 2 条");
        shot("dashboard-drilldown");
        browser.findElement(By.id("drill-close")).click();

        browser.findElement(By.cssSelector("[data-card='waiting']")).click();
        wait.until(d -> d.findElements(By.cssSelector("#drill-table tbody tr")).size() == 2);
    }

    @Test
    void anAgentIsRefused() throws IOException {
        signIn("agent");
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("login-error")).isDisplayed());
        assertThat(browser.findElement(By.id("login-error")).getText()).contains("无权");
        assertThat(browser.findElement(By.id("board")).isDisplayed()).isFalse();
        shot("dashboard-agent-refused");
    }

    void shot(String name) throws IOException {
        Path target = Path.of("target", name + ".png");
        Files.createDirectories(target.getParent());
        Files.write(target, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    // the page's formatting (dashboard.js fmt)
    static String count(long v) {
        return String.format(java.util.Locale.ROOT, "%,d", v);
    }

    static String rate(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", v * 100);
    }

    static String seconds(double v) {
        long s = Math.round(v);
        if (s < 60) {
            return s + "秒";
        }
        long m = s / 60;
        return m < 60 ? m + "分" + String.format("%02d", s % 60) + "秒" : (m / 60) + "小时" + String.format("%02d", m % 60) + "分";
    }
}
