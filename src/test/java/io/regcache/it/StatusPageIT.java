package io.regcache.it;

import static io.regcache.it.support.FaultyUpstream.blobPath;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regcache.it.support.FakeImage;
import io.regcache.it.support.FaultyUpstream;
import io.regcache.it.support.MediaTypes;
import io.regcache.it.support.RequiredTools;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.UsernameAndPassword;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.bidi.browsingcontext.BrowsingContext;
import org.openqa.selenium.bidi.browsingcontext.CaptureScreenshotParameters;
import org.openqa.selenium.bidi.module.LogInspector;
import org.openqa.selenium.bidi.module.Network;
import org.openqa.selenium.bidi.network.AddInterceptParameters;
import org.openqa.selenium.bidi.network.InterceptPhase;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page at {@code /} in a real browser: Debian's Chromium, headless, driven through its
 * chromedriver (WebDriver classic, and WebDriver BiDi to answer the login the admin view asks for).
 * The figures on the page are compared with {@code /api/status}; pulls through the mirror move them;
 * the public page names no repository; an admin sees the repositories and runs the janitor, a
 * prefetch and a purge. Screenshots go to {@code target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StatusPageIT extends DeployedMirror {
    static final String REPO = "statuspage/app";
    static final String WARM = "statuspage/warm";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Duration PATIENCE = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();

    static FaultyUpstream upstream;
    static final AtomicInteger allowance = new AtomicInteger(100);
    static final byte[] CONFIG = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(UTF_8);
    static final byte[] LAYER = FakeImage.random(1_500_000, 11);
    static final FakeImage IMAGE = FakeImage.of(CONFIG, LAYER);
    static final byte[] WARM_CONFIG = "{\"architecture\":\"arm64\",\"os\":\"linux\"}".getBytes(UTF_8);
    static final byte[] WARM_LAYER = FakeImage.random(700_000, 12);
    static final FakeImage WARM_IMAGE = FakeImage.of(WARM_CONFIG, WARM_LAYER);

    static ChromeDriver browser;
    static final List<String> pageErrors = new CopyOnWriteArrayList<>();
    /** Who answers the browser's login dialog: nobody (Cancel) until a test sets a user. */
    static final AtomicReference<UsernameAndPassword> login = new AtomicReference<>();
    static final AtomicInteger loginsAsked = new AtomicInteger();

    @RegisterExtension
    @Order(1)
    static final BeforeDeploy setup = BeforeDeploy.run(StatusPageIT::start);

    static void start() {
        upstream = setup.closeLater(FaultyUpstream.start());
        upstream.publish(REPO, "1", IMAGE, StatusPageIT::hubAllowance);
        upstream.publish(WARM, "1", WARM_IMAGE, StatusPageIT::hubAllowance);
        MirrorYaml.storage(setup.tempDir("statuspage-storage"))
                .upstream("docker.io", upstream.url(), true)
                .with("proxy:\n  maxsize: 64MiB\n  tagwindow: 0s")
                .install();
    }

    // ------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void thePageItsFilesAndTheRegistryApiAreServedSideBySide() {
        for (String path : List.of("/", "/index.html")) {
            HttpResponse<String> page = MirrorHttp.get(mirror, path);
            assertEquals(200, page.statusCode(), path);
            assertEquals("text/html;charset=utf-8", contentType(page), path);
            assertTrue(page.body().contains("<script src=\"status.js\""), page.body());
        }
        Map<String, String> types = Map.of(
                "/status.css", "text/css;charset=utf-8",
                "/status.js", "text/javascript;charset=utf-8",
                "/favicon.svg", "image/svg+xml");
        types.forEach((path, type) -> {
            HttpResponse<String> r = MirrorHttp.get(mirror, path);
            assertEquals(200, r.statusCode(), path);
            assertEquals(type, contentType(r), path);
        });

        HttpResponse<String> api = MirrorHttp.get(mirror, "/api/status");
        assertEquals(200, api.statusCode());
        assertEquals("application/json", contentType(api));
        assertEquals("no-store", api.headers().firstValue("Cache-Control").orElse(null));

        HttpResponse<String> v2 = MirrorHttp.get(mirror, "/v2/");
        assertEquals(200, v2.statusCode(), v2.body());
        assertEquals("registry/2.0", v2.headers().firstValue("Docker-Distribution-API-Version").orElse(null));
        assertEquals("{}", v2.body().trim());
        assertEquals(404, MirrorHttp.get(mirror, "/nothing-here.html").statusCode());
    }

    @Test
    @Order(2)
    void thePageShowsTheFiguresOfTheApi() {
        WebDriver b = browser();
        b.get(page("/?refresh=1"));
        waitFor("the page to be live", d -> "Live".equals(text("conn-status")));

        JsonNode api = waitForPageToMatchApi();
        assertEquals(0, api.path("traffic").path("hits").asLong(), "a fresh mirror");
        assertEquals("–", text("hit-ratio"), "no ratio before any pull");
        assertEquals("64 MiB", text("cache-max"));
        assertEquals(String.valueOf(64L << 20), value("cache-max"));
        assertEquals("0 B", text("cache-size"));
        assertEquals("(0% used)", text("cache-percent"));
        assertEquals("images unused for 7 d are removed", text("cache-ttl"));
        assertEquals("0", text("downloads"));
        assertTrue(text("uptime").matches("\\d+ (s|min)( \\d+ s)?"), text("uptime"));

        WebElement row = upstreamRow("docker.io");
        assertEquals("no contact yet", row.getDomAttribute("data-state"));
        assertTrue(row.findElement(By.className("up-registry")).getText().contains("default"), row.getText());
        assertEquals("never", row.findElement(By.className("up-last-ok")).getText());
        assertEquals("0", b.findElement(By.id("history-chart")).getDomAttribute("data-minutes"));
        assertFalse(b.findElement(By.id("admin-panel")).isDisplayed());
    }

    @Test
    @Order(3)
    void pullsThroughTheMirrorMoveTheFigures() {
        WebDriver b = browser();
        long hits = longValue("hits");
        long misses = longValue("misses");
        long served = longValue("served-bytes");

        String tag = "/v2/" + REPO + "/manifests/1";
        String accept = MediaTypes.OCI_MANIFEST;
        HttpResponse<String> m = MirrorHttp.get(mirror, tag, "Accept", accept);
        assertEquals(200, m.statusCode(), m.body());
        assertEquals("MISS", m.headers().firstValue("X-Cache").orElse(null));
        assertEquals(200, MirrorHttp.getBytes(mirror, blobPath(REPO, CONFIG)).statusCode());
        HttpResponse<byte[]> miss = MirrorHttp.getBytes(mirror, blobPath(REPO, LAYER));
        assertEquals(200, miss.statusCode());
        assertEquals("MISS", miss.headers().firstValue("X-Cache").orElse(null));
        MirrorHttp.awaitHit(mirror, blobPath(REPO, LAYER), r -> { });
        HttpResponse<String> byDigest = MirrorHttp.get(mirror, "/v2/" + REPO + "/manifests/" + IMAGE.digest(), "Accept", accept);
        assertEquals("HIT", byDigest.headers().firstValue("X-Cache").orElse(null));

        waitFor("hits and misses to rise on the page", d ->
                longValue("hits") >= hits + 2 && longValue("misses") >= misses + 3
                        && longValue("served-bytes") >= served + 2L * LAYER.length);
        JsonNode api = waitForPageToMatchApi();
        JsonNode t = api.path("traffic");
        assertTrue(t.path("pulledBytes").asLong() >= LAYER.length, api.toString());
        assertTrue(longValue("saved-bytes") >= LAYER.length, text("saved-bytes"));
        assertTrue(text("hit-ratio").endsWith("%"), text("hit-ratio"));
        assertTrue(text("served-bytes").endsWith("MiB"), text("served-bytes"));
        assertTrue(longValue("cache-size") >= LAYER.length, text("cache-size"));
        String width = browser.findElement(By.id("cache-bar")).getCssValue("width");
        assertFalse(width.equals("0px"), "the cache bar is empty: " + width);

        // the chart has this minute, as bars and a point of the ratio line
        WebElement chart = b.findElement(By.id("history-chart"));
        waitFor("the chart to show the pulls", d -> Integer.parseInt(chart.getDomAttribute("data-minutes")) >= 1);
        assertFalse(chart.findElements(By.cssSelector("rect.bar-hit")).isEmpty(), "no hit bar");
        assertFalse(chart.findElements(By.cssSelector("rect.bar-miss")).isEmpty(), "no miss bar");
        assertFalse(chart.findElements(By.cssSelector("circle.point")).isEmpty(), "no ratio point");

        // the upstream answered, with Docker Hub's allowance
        JsonNode up = api.path("upstreams").get(0);
        WebElement row = upstreamRow("docker.io");
        assertEquals("reachable", row.getDomAttribute("data-state"));
        assertEquals(up.path("lastStatus").asText(), row.findElement(By.className("up-status")).getDomAttribute("data-value"));
        assertEquals("200 OK", row.findElement(By.className("up-status")).getText());
        String lastOk = row.findElement(By.className("up-last-ok")).getText();
        assertTrue(lastOk.equals("just now") || lastOk.endsWith(" s ago"), lastOk);
        WebElement rate = row.findElement(By.className("up-rate"));
        assertEquals(up.path("rateLimit").path("remaining").asText(), rate.getDomAttribute("data-remaining"));
        assertEquals("100", rate.getDomAttribute("data-limit"));
        assertTrue(allowance.get() < 100, "the upstream counted no pull");
        assertEquals(up.path("rateLimit").path("remaining").asText() + " / 100 left per 6 h", rate.getText().trim());

        screenshot("status-page.png");
    }

    @Test
    @Order(4)
    void thePublicPageNamesNoRepository() {
        WebDriver b = browser();
        waitFor("a refresh", d -> longValue("hits") > 0);
        String dom = b.getPageSource();
        assertFalse(dom.contains("statuspage"), "a repository name on the public page");
        assertFalse(dom.contains(upstream.url()), "an upstream URL on the public page");
        assertFalse(b.findElement(By.id("admin-panel")).isDisplayed());
        assertTrue(b.findElements(By.cssSelector("#top-repos-rows tr")).isEmpty());
        assertFalse(MirrorHttp.get(mirror, "/api/status").body().contains("statuspage"));
    }

    @Test
    @Order(5)
    void anAdminSeesTheRepositoriesAndRunsTheActions() throws Exception {
        ChromeDriver b = browser();
        // the browser asks for a login; cancelled, the page says what it needs
        b.findElement(By.id("admin-button")).click();
        waitFor("the login to be refused", d -> d.findElement(By.id("admin-message")).isDisplayed());
        assertEquals(1, loginsAsked.get(), "the browser was not asked for a login");
        assertTrue(text("admin-message").startsWith("Not signed in"), text("admin-message"));
        assertFalse(b.findElement(By.id("admin-panel")).isDisplayed());

        // an admin logs in
        login.set(new UsernameAndPassword("admin", "admin-pass"));
        b.findElement(By.id("admin-button")).click();
        waitFor("the admin view", d -> d.findElement(By.id("admin-panel")).isDisplayed());
        assertEquals(2, loginsAsked.get(), "the browser should ask once more, then remember the login");
        assertEquals("Leave admin view", text("admin-button"));
        assertFalse(b.findElement(By.id("admin-message")).isDisplayed());

        JsonNode admin = adminApi();
        String repo = "docker.io/" + REPO;
        WebElement top = waitFor("the repository among the top ones", d -> d.findElements(
                By.cssSelector("#top-repos-rows tr[data-repository='" + repo + "']")).stream().findFirst().orElse(null));
        JsonNode topApi = admin.path("topRepositories").get(0);
        assertEquals(repo, topApi.path("repository").asText());
        List<WebElement> cells = top.findElements(By.tagName("td"));
        assertEquals(repo, cells.get(0).getText());
        assertEquals(topApi.path("pulls").asText(), cells.get(1).getText());

        List<WebElement> pulls = b.findElements(By.cssSelector("#recent-pulls-rows tr.recent-pull"));
        assertEquals(admin.path("recentPulls").size(), pulls.size());
        WebElement latest = pulls.get(0);
        List<WebElement> pullCells = latest.findElements(By.tagName("td"));
        JsonNode latestApi = admin.path("recentPulls").get(0);
        assertEquals(repo, pullCells.get(1).getText());
        assertEquals(latestApi.path("kind").asText(), pullCells.get(2).getText());
        assertEquals(latestApi.path("outcome").asText(), pullCells.get(3).getText());
        assertEquals(latestApi.path("client").asText(), pullCells.get(5).getText());
        assertTrue(pullCells.get(0).getText().matches("\\d\\d:\\d\\d:\\d\\d"), pullCells.get(0).getText());
        assertTrue(pulls.stream().anyMatch(p -> "HIT".equals(p.getDomAttribute("data-outcome"))));
        assertTrue(pulls.stream().anyMatch(p -> "MISS".equals(p.getDomAttribute("data-outcome"))));
        assertTrue(pulls.stream().anyMatch(p -> p.getText().contains("1.43 MiB")), "the layer's size");

        WebElement row = upstreamRow("docker.io");
        assertEquals(upstream.url(), row.findElement(By.className("up-url")).getText());
        assertEquals("anonymous", row.findElement(By.className("up-account")).getText());
        assertEquals(admin.path("storage").asText(), text("storage-path"));

        // janitor: nothing is due, and it says so
        b.findElement(By.id("janitor-run")).click();
        waitFor("the janitor's report", d -> "done".equals(d.findElement(By.id("janitor-result")).getDomAttribute("data-state")));
        assertEquals("Janitor: nothing to remove.", b.findElement(By.cssSelector("#janitor-result .summary")).getText());
        assertEquals("0", b.findElement(By.cssSelector("#janitor-result dd[data-field='imagesRemoved']")).getText());
        assertEquals(text("cache-size"), b.findElement(By.cssSelector("#janitor-result dd[data-field='bytesKept']")).getText());

        // prefetch: one image that exists, one that does not; the job's progress is followed to the end
        WebElement images = b.findElement(By.id("prefetch-images"));
        images.sendKeys(WARM + ":1\nstatuspage/missing:1");
        b.findElement(By.id("prefetch-submit")).click();
        WebElement job = waitFor("the prefetch job to finish", d -> d.findElements(By.cssSelector("#prefetch-job[data-state='done']"))
                .stream().findFirst().orElse(null));
        List<WebElement> results = job.findElements(By.cssSelector(".job-images li"));
        assertEquals(2, results.size());
        assertEquals("true", results.get(0).getDomAttribute("data-ok"));
        assertTrue(results.get(0).getText().contains("cached: 2 blobs, 684 KiB"), results.get(0).getText());
        assertTrue(results.get(0).getText().contains(WARM_IMAGE.digest()), results.get(0).getText());
        assertEquals("false", results.get(1).getDomAttribute("data-ok"));
        assertTrue(results.get(1).getText().contains("MANIFEST_UNKNOWN"), results.get(1).getText());
        assertEquals("Job " + job.getDomAttribute("data-job-id") + ": 1 of 2 failed", job.findElement(By.className("summary")).getText());
        assertEquals(1, upstream.count("GET", blobPath(WARM, WARM_LAYER)), "the prefetch fetched the layer once");
        HttpResponse<byte[]> warm = MirrorHttp.getBytes(mirror, blobPath(WARM, WARM_LAYER));
        assertEquals("HIT", warm.headers().firstValue("X-Cache").orElse(null), "prefetched, so served from the cache");

        // purge the prefetched repository, after the confirmation
        WebElement target = b.findElement(By.id("purge-target"));
        target.sendKeys("docker.io/" + WARM);
        b.findElement(By.id("purge-submit")).click();
        Alert confirm = new WebDriverWait(b, PATIENCE).until(ExpectedConditions.alertIsPresent());
        assertTrue(confirm.getText().contains("docker.io/" + WARM), confirm.getText());
        confirm.accept();
        waitFor("the purge's report", d -> "done".equals(d.findElement(By.id("purge-result")).getDomAttribute("data-state")));
        assertEquals("1", b.findElement(By.cssSelector("#purge-result dd[data-field='imagesRemoved']")).getText());
        assertEquals("3", b.findElement(By.cssSelector("#purge-result dd[data-field='blobsRemoved']")).getText(),
                "manifest, config and layer");
        assertTrue(b.findElement(By.cssSelector("#purge-result .summary")).getText()
                .startsWith("Purged docker.io/" + WARM + ": removed 1 image and 3 blobs"));
        String kept = b.findElement(By.cssSelector("#purge-result dd[data-field='bytesKept']")).getText();
        waitFor("the cache's size after the purge", d -> kept.equals(text("cache-size")));
        assertEquals(String.valueOf(adminApi().path("cache").path("sizeBytes").asLong()), value("cache-size"));

        screenshot("status-page-admin.png");

        // leaving the admin view takes the names off the page again
        b.findElement(By.id("admin-button")).click();
        waitFor("the public view", d -> !d.findElement(By.id("admin-panel")).isDisplayed());
        assertFalse(b.getPageSource().contains("statuspage"));
        assertTrue(pageErrors.isEmpty(), "errors in the page: " + pageErrors);
    }

    // ------------------------------------------------------------------ the browser

    /** Debian's chromium through its chromedriver, started once for the class and quit after it. */
    static synchronized ChromeDriver browser() {
        if (browser != null) {
            return browser;
        }
        RequiredTools.require("chromium", "chromedriver");
        Path chromium = RequiredTools.find("chromium").orElseThrow();
        Path chromedriver = RequiredTools.find("chromedriver").orElseThrow();
        Path profile = setup.tempDir("statuspage-chromium");
        try {
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()) // never Selenium Manager: there is no internet
                .usingAnyFreePort()
                .withLogFile(new File("target/statuspage-chromedriver.log"))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1280,1000", "--lang=en-US", "--hide-scrollbars");
        options.setCapability("webSocketUrl", true); // WebDriver BiDi: the login answer and the page's errors
        options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE); // the purge's confirm() waits for the test
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
        setup.closeLater(() -> {
            try {
                driver.quit();
            } finally {
                service.stop();
            }
        });
        // the login dialog, answered through WebDriver BiDi (the W3C protocol, not Chromium's own CDP):
        // the browser stops a request that got 401 + WWW-Authenticate and asks; we cancel or log in
        Network network = new Network(driver);
        setup.closeLater(network);
        network.addIntercept(new AddInterceptParameters(InterceptPhase.AUTH_REQUIRED));
        network.onAuthRequired(asked -> {
            loginsAsked.incrementAndGet();
            String request = asked.getRequest().getRequestId();
            UsernameAndPassword user = login.get();
            if (user == null) {
                network.cancelAuth(request);
            } else {
                network.continueWithAuth(request, user);
            }
        });
        LogInspector logs = new LogInspector(driver);
        setup.closeLater(logs);
        logs.onJavaScriptException(e -> pageErrors.add("exception: " + e.getText()));
        logs.onConsoleEntry(e -> {
            if ("error".equalsIgnoreCase(String.valueOf(e.getLevel()))) {
                pageErrors.add("console: " + e.getText());
            }
        });
        browser = driver;
        return driver;
    }

    /** The mirror's address for the browser (a literal loopback host: browsers refuse 0.0.0.0). */
    private String page(String path) {
        URI base = URI.create(mirror.toString());
        return "http://127.0.0.1:" + base.getPort() + path;
    }

    private <T> T waitFor(String what, Function<WebDriver, T> condition) {
        return waitFor(() -> what, condition);
    }

    private <T> T waitFor(Supplier<String> what, Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, PATIENCE)
                .withMessage(() -> "waiting for " + what.get() + "; page says: " + text("load-error") + " " + text("admin-message"))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition::apply);
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static String value(String id) {
        return browser.findElement(By.id(id)).getDomAttribute("data-value");
    }

    private static long longValue(String id) {
        String v = value(id);
        return v == null || v.isEmpty() ? -1 : Long.parseLong(v);
    }

    private static WebElement upstreamRow(String registry) {
        return browser.findElement(By.cssSelector("#upstream-rows tr.upstream-row[data-registry='" + registry + "']"));
    }

    /**
     * Waits until the page shows what {@code /api/status} says (both move on with every pull and
     * every second, so they are compared until a refresh of the page and a read of the API agree).
     */
    private JsonNode waitForPageToMatchApi() {
        String[] last = new String[1];
        return waitFor(() -> "the page to show /api/status (last difference: " + last[0] + ")", d -> {
            JsonNode api = publicApi();
            JsonNode t = api.path("traffic");
            JsonNode c = api.path("cache");
            Map<String, String> expected = Map.of(
                    "hits", t.path("hits").asText(),
                    "misses", t.path("misses").asText(),
                    "stale", t.path("stale").asText(),
                    "errors", t.path("errors").asText(),
                    "served-bytes", t.path("servedBytes").asText(),
                    "pulled-bytes", t.path("pulledBytes").asText(),
                    "saved-bytes", t.path("savedBytes").asText(),
                    "cache-size", c.path("sizeBytes").asText(),
                    "cache-max", c.path("maxBytes").asText(),
                    "downloads", c.path("downloadsInProgress").asText());
            for (var e : expected.entrySet()) {
                if (!e.getValue().equals(value(e.getKey()))) {
                    last[0] = e.getKey() + ": page " + value(e.getKey()) + ", api " + e.getValue();
                    return null;
                }
            }
            if (Math.abs(Double.parseDouble(value("hit-ratio")) - t.path("hitRatio").asDouble()) > 1e-9) {
                last[0] = "hit-ratio: page " + value("hit-ratio") + ", api " + t.path("hitRatio");
                return null;
            }
            JsonNode up = api.path("upstreams").get(0);
            WebElement row = upstreamRow(up.path("registry").asText());
            String lastStatus = up.has("lastStatus") ? up.path("lastStatus").asText() : null;
            if (!java.util.Objects.equals(lastStatus, row.findElement(By.className("up-status")).getDomAttribute("data-value"))) {
                last[0] = "upstream status: page " + row.getText() + ", api " + up;
                return null;
            }
            return api;
        });
    }

    private JsonNode publicApi() {
        return json(MirrorHttp.get(mirror, "/api/status"));
    }

    private JsonNode adminApi() {
        return json(MirrorHttp.get(mirror, "/api/admin/status", "Authorization", RealmUsers.basic(RealmUsers.ADMIN)));
    }

    private static JsonNode json(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole page (not only the window) as a PNG in target/screenshots, checked to be a real picture. */
    private static void screenshot(String name) {
        try {
            browser.executeScript("window.scrollTo(0, 0)"); // the sticky top bar at the top of the picture
            String base64 = new BrowsingContext(browser, browser.getWindowHandle())
                    .captureScreenshot(new CaptureScreenshotParameters().origin(CaptureScreenshotParameters.Origin.DOCUMENT));
            byte[] png = Base64.getDecoder().decode(base64);
            Path file = SCREENSHOTS.resolve(name);
            Files.write(file, png);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertNotNull(image, file + " is no PNG");
            assertTrue(image.getWidth() >= 1000 && image.getHeight() >= 700, file + ": " + image.getWidth() + "x" + image.getHeight());
            Set<Integer> colours = new HashSet<>();
            for (int y = 0; y < image.getHeight(); y += 7) {
                for (int x = 0; x < image.getWidth(); x += 7) {
                    colours.add(image.getRGB(x, y));
                }
            }
            assertTrue(colours.size() > 20, file + " looks blank: " + colours.size() + " colours");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ the upstream

    /** Like Docker Hub: a GET of a manifest costs one pull of 100 per 6 hours; a HEAD is free. */
    private static FaultyUpstream.Behaviour hubAllowance(FaultyUpstream.Behaviour manifest) {
        return (ex, attempt) -> {
            int left = "GET".equals(ex.getRequestMethod()) ? allowance.decrementAndGet() : allowance.get();
            ex.getResponseHeaders().add("ratelimit-limit", "100;w=21600");
            ex.getResponseHeaders().add("ratelimit-remaining", left + ";w=21600");
            manifest.handle(ex, attempt);
        };
    }

    private static String contentType(HttpResponse<?> r) {
        return r.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase(java.util.Locale.ROOT);
    }
}
