package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regcache.it.support.FakeImage;
import io.regcache.it.support.FaultyUpstream;
import io.regcache.it.support.FreePort;
import io.regcache.it.support.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What operators see and do: Prometheus metrics, health, the status API (public figures for
 * everyone, repository names only for registry-admin) and the admin actions.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpsIT extends DeployedMirror {
    static final ObjectMapper JSON = new ObjectMapper();
    static FaultyUpstream upstream;
    static MirrorStorage storage;
    static byte[] config = FakeImage.random(200, 1);
    static byte[] shared = FakeImage.random(300_000, 2);
    static byte[] ownLayer = FakeImage.random(400_000, 3);
    static byte[] otherLayer = FakeImage.random(100_000, 4);
    static FakeImage other = FakeImage.of(config, shared, otherLayer);

    @RegisterExtension
    @org.junit.jupiter.api.Order(1)
    static final BeforeDeploy setup = BeforeDeploy.run(OpsIT::start);

    /** Docker Hub's allowance headers on manifests. */
    static FaultyUpstream.Behaviour hubAllowance(FaultyUpstream.Behaviour manifest) {
        return (ex, attempt) -> {
            ex.getResponseHeaders().add("ratelimit-limit", "100;w=21600");
            ex.getResponseHeaders().add("ratelimit-remaining", "87;w=21600");
            manifest.handle(ex, attempt);
        };
    }

    static void start() {
        upstream = setup.closeLater(FaultyUpstream.start());
        upstream.publish("ops/app", "1", FakeImage.of(config, shared, ownLayer), OpsIT::hubAllowance);
        upstream.publish("ops/other", "1", other, OpsIT::hubAllowance);
        storage = new MirrorStorage(setup.tempDir("ops-storage"));
        MirrorYaml.storage(storage.root())
                .upstream("docker.io", upstream.url(), true)
                .upstream("quay.io", "http://127.0.0.1:" + FreePort.find(), false) // down: health is degraded
                .install();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double metric(String text, String line) {
        Matcher m = Pattern.compile("^" + Pattern.quote(line) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    @Order(1)
    void metricsCountHitsMissesBytesAndTheUpstreamsAllowance() {
        String blob = FaultyUpstream.blobPath("ops/app", ownLayer);
        assertEquals(200, MirrorHttp.get(mirror, "/v2/ops/app/manifests/1").statusCode());
        assertArrayEquals(ownLayer, MirrorHttp.getBytes(mirror, blob).body()); // miss
        // the download commits just after its last byte went out; a request before that joins it
        Poll.until("the layer to be committed", Duration.ofSeconds(10), () -> Files.exists(storage.blobFile(ownLayer)));
        assertArrayEquals(ownLayer, MirrorHttp.getBytes(mirror, blob).body()); // hit
        var metrics = MirrorHttp.get(mirror, "/metrics");
        assertEquals(200, metrics.statusCode());
        String m = metrics.body();
        assertEquals(1.0, metric(m, "regcache_requests_total{kind=\"blob\",outcome=\"MISS\",upstream=\"docker.io\"}"), m);
        assertEquals(1.0, metric(m, "regcache_requests_total{kind=\"blob\",outcome=\"HIT\",upstream=\"docker.io\"}"), m);
        assertEquals(2.0 * ownLayer.length, metric(m, "regcache_served_bytes_total{kind=\"blob\",upstream=\"docker.io\"}"), m);
        assertEquals(ownLayer.length, metric(m, "regcache_pulled_bytes_total{kind=\"blob\",upstream=\"docker.io\"}"), m);
        assertEquals(87.0, metric(m, "regcache_upstream_ratelimit_remaining{upstream=\"docker.io\"}"), m);
        assertEquals(100.0, metric(m, "regcache_upstream_ratelimit_limit{upstream=\"docker.io\"}"), m);
        assertTrue(metric(m, "regcache_cache_size_bytes") >= ownLayer.length, m);
        assertTrue(metric(m, "regcache_upstream_request_duration_seconds_count{upstream=\"docker.io\"}") >= 2, m);
        assertEquals(0.0, metric(m, "regcache_downloads_in_progress"), m);
        assertFalse(m.contains("ops/app"), "repository names are no metric labels");
    }

    @Test
    @Order(2)
    void healthIsDegradedNotDownWhenOnlyAnUpstreamIsUnreachable() throws Exception {
        var health = MirrorHttp.get(mirror, "/health");
        assertEquals(200, health.statusCode(), health.body());
        JsonNode h = JSON.readTree(health.body());
        assertEquals("DEGRADED", h.get("status").asText());
        assertTrue(h.at("/storage/writable").asBoolean());
        assertTrue(h.at("/upstreams/docker.io/reachable").asBoolean());
        assertFalse(h.at("/upstreams/quay.io/reachable").asBoolean());
    }

    @Test
    @Order(3)
    void theStatusApiShowsPublicFiguresToEveryoneAndRepositoriesToAdminsOnly() throws Exception {
        var pub = MirrorHttp.get(mirror, "/api/status");
        assertEquals(200, pub.statusCode());
        JsonNode s = JSON.readTree(pub.body());
        assertTrue(s.at("/traffic/hits").asLong() >= 1 && s.at("/traffic/misses").asLong() >= 1, pub.body());
        assertTrue(s.at("/cache/sizeBytes").asLong() > 0);
        assertTrue(s.get("history").size() >= 1);
        assertEquals(87, s.at("/upstreams/0/rateLimit/remaining").asLong(), pub.body());
        assertFalse(pub.body().contains("ops/app"), "a repository name on the public page");
        assertFalse(pub.body().contains("127.0.0.1"), "client addresses or upstream URLs on the public page");

        var anonymous = MirrorHttp.get(mirror, "/api/admin/status");
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm=\"regcache\""));
        assertEquals(403, MirrorHttp.get(mirror, "/api/admin/status", "Authorization", RealmUsers.basic(RealmUsers.PULLER)).statusCode());
        var admin = MirrorHttp.get(mirror, "/api/admin/status", "Authorization", RealmUsers.basic(RealmUsers.ADMIN));
        assertEquals(200, admin.statusCode());
        JsonNode a = JSON.readTree(admin.body());
        assertEquals("docker.io/ops/app", a.at("/topRepositories/0/repository").asText(), admin.body());
        assertTrue(a.get("recentPulls").size() >= 3);
        assertEquals(upstream.url(), a.at("/upstreams/0/url").asText());
    }

    @Test
    @Order(4)
    void anAdminPrefetchesAnImageBeforeAnyoneAsksForIt() throws Exception {
        String auth = RealmUsers.basic(RealmUsers.ADMIN);
        var submitted = MirrorHttp.post(mirror, "/api/admin/prefetch", "application/json", "{\"images\":[\"ops/other:1\"]}",
                "Authorization", auth);
        assertEquals(202, submitted.statusCode(), submitted.body());
        long id = JSON.readTree(submitted.body()).get("id").asLong();
        AtomicReference<JsonNode> polled = new AtomicReference<>();
        Poll.until(() -> "the prefetch job to be done: " + polled.get(), Duration.ofSeconds(20), () -> {
            polled.set(json(MirrorHttp.get(mirror, "/api/admin/jobs/" + id, "Authorization", auth).body()));
            return "done".equals(polled.get().get("state").asText());
        });
        JsonNode job = polled.get();
        assertTrue(job.at("/results/0/ok").asBoolean(), job.toString());
        assertEquals(other.digest(), job.at("/results/0/digest").asText());
        assertTrue(Files.exists(storage.blobFile(otherLayer)), "the prefetched layer is not in the cache");
        String otherLayerPath = FaultyUpstream.blobPath("ops/other", otherLayer);
        long gets = upstream.count("GET", otherLayerPath);
        var pulled = MirrorHttp.getBytes(mirror, otherLayerPath);
        assertEquals("HIT", pulled.headers().firstValue("X-Cache").orElse(null));
        assertEquals(gets, upstream.count("GET", otherLayerPath));
    }

    @Test
    @Order(5)
    void purgingARepositoryRemovesWhatOnlyItNeeded() throws Exception {
        String auth = RealmUsers.basic(RealmUsers.ADMIN);
        var purged = MirrorHttp.post(mirror, "/api/admin/purge", "application/json", "{\"repository\":\"ops/other\"}",
                "Authorization", auth);
        assertEquals(200, purged.statusCode(), purged.body());
        JsonNode r = JSON.readTree(purged.body());
        assertEquals(1, r.get("imagesRemoved").asInt(), purged.body());
        assertFalse(Files.exists(storage.blobFile(otherLayer)), "the purged image's own layer stayed");
        assertTrue(Files.exists(storage.blobFile(shared)), "a layer ops/app still needs was removed");
        assertTrue(Files.exists(storage.blobFile(config)), "the config ops/app still needs was removed");
        var again = MirrorHttp.get(mirror, "/v2/ops/other/manifests/1");
        assertEquals(200, again.statusCode());
        assertEquals("MISS", again.headers().firstValue("X-Cache").orElse(null), "the purged image was still cached");
        var janitor = MirrorHttp.post(mirror, "/api/admin/janitor", "application/json", "{}", "Authorization", auth);
        assertEquals(200, janitor.statusCode(), janitor.body());
        assertTrue(JSON.readTree(janitor.body()).has("bytesKept"));
    }

    @Test
    @Order(6)
    void adminActionsRefuseCrossSiteRequests() throws Exception {
        String auth = RealmUsers.basic(RealmUsers.ADMIN);
        var foreign = MirrorHttp.post(mirror, "/api/admin/janitor", "application/json", "{}",
                "Authorization", auth, "Origin", "http://evil.example");
        assertEquals(403, foreign.statusCode(), foreign.body());
        var form = MirrorHttp.post(mirror, "/api/admin/purge", "application/x-www-form-urlencoded", "repository=ops/app",
                "Authorization", auth);
        assertEquals(415, form.statusCode(), form.body());
        assertTrue(Files.exists(storage.blobFile(ownLayer)), "a cross-site purge went through");
        assertEquals(401, MirrorHttp.post(mirror, "/api/admin/janitor", "application/json", "{}").statusCode());
    }
}
