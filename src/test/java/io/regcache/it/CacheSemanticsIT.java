package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.it.support.FakeImage;
import io.regcache.it.support.FaultyUpstream;
import io.regcache.it.support.MediaTypes;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cache's behaviour under concurrency and upstream trouble, against an upstream that can be
 * held, broken and counted: one upstream fetch however many clients, bytes streamed to all as
 * they arrive, downloads that outlive their clients, collapsed tag checks, stale answers on
 * 5xx, 429 and timeouts, and retried transient failures.
 */
class CacheSemanticsIT extends DeployedMirror {
    static final int CLIENTS = 16;
    static FaultyUpstream upstream;

    @RegisterExtension
    @Order(1)
    static final BeforeDeploy setup = BeforeDeploy.run(CacheSemanticsIT::start);

    private final ExecutorService pool = Executors.newFixedThreadPool(CLIENTS * 2);

    static void start() {
        upstream = setup.closeLater(FaultyUpstream.start());
        MirrorYaml.storage(setup.tempDir("semantics-storage"))
                .upstream("docker.io", upstream.url(), true)
                .with("proxy:\n  timeout: 2s\n  tagwindow: 0s")
                .install();
    }

    @AfterEach
    void stopClients() {
        pool.shutdownNow();
    }

    private <T> List<Future<T>> inParallel(int n, Callable<T> task) {
        List<Future<T>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(pool.submit(task));
        }
        return out;
    }

    @Test
    void manyClientsOneUpstreamDownloadAndEveryoneStreams() throws Exception {
        byte[] body = FakeImage.random(4_000_000, 1);
        String path = FaultyUpstream.blobPath("sem/fanout", body);
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch gotFirstBytes = new CountDownLatch(CLIENTS);
        upstream.on(path, FaultyUpstream.stallAfter(body, 500_000, gate));

        List<Future<byte[]>> clients = inParallel(CLIENTS, () -> {
            HttpResponse<InputStream> r = MirrorHttp.stream(mirror, path);
            try (InputStream in = r.body()) {
                byte[] first = in.readNBytes(100_000);
                gotFirstBytes.countDown();
                byte[] rest = in.readAllBytes();
                byte[] all = Arrays.copyOf(first, first.length + rest.length);
                System.arraycopy(rest, 0, all, first.length, rest.length);
                return all;
            }
        });
        try {
            assertTrue(gotFirstBytes.await(20, TimeUnit.SECONDS), "not every client received bytes while the upstream was still sending");
            assertEquals(1, upstream.count("GET", path), "one upstream download for " + CLIENTS + " clients");
        } finally {
            gate.countDown();
        }
        for (Future<byte[]> c : clients) {
            assertArrayEquals(body, c.get(30, TimeUnit.SECONDS));
        }
        assertEquals(1, upstream.count("GET", path));
    }

    @Test
    void aClientThatLeavesDoesNotStopTheSharedDownload() throws Exception {
        byte[] body = FakeImage.random(3_000_000, 2);
        String path = FaultyUpstream.blobPath("sem/leaver", body);
        CountDownLatch gate = new CountDownLatch(1);
        upstream.on(path, FaultyUpstream.stallAfter(body, 300_000, gate));

        HttpResponse<InputStream> leaver = MirrorHttp.stream(mirror, path);
        leaver.body().readNBytes(50_000);
        HttpResponse<InputStream> stayer = MirrorHttp.stream(mirror, path);
        byte[] first = stayer.body().readNBytes(50_000);
        leaver.body().close(); // disconnects mid-transfer
        gate.countDown();
        byte[] rest = stayer.body().readAllBytes();
        assertEquals(body.length, first.length + rest.length);
        assertArrayEquals(Arrays.copyOfRange(body, 50_000, body.length), rest);
        assertEquals(1, upstream.count("GET", path));

        // kept: served from disk once the commit (after the verified last byte) has landed
        MirrorHttp.awaitHit(mirror, path, again -> assertArrayEquals(body, again.body()));
        assertEquals(1, upstream.count("GET", path));
    }

    @Test
    void rangesOfABlobStillDownloadingAreServed() throws Exception {
        byte[] body = FakeImage.random(2_000_000, 3);
        String path = FaultyUpstream.blobPath("sem/ranges", body);
        CountDownLatch gate = new CountDownLatch(1);
        upstream.on(path, FaultyUpstream.stallAfter(body, 1_000_000, gate));
        try {
            HttpResponse<InputStream> starter = MirrorHttp.stream(mirror, path);
            starter.body().readNBytes(10);
            // within what has arrived: answered while the upstream still holds back the rest
            Future<HttpResponse<byte[]>> early = pool.submit(() -> MirrorHttp.getBytes(mirror, path, "Range", "bytes=100-199"));
            HttpResponse<byte[]> part = early.get(10, TimeUnit.SECONDS);
            assertEquals(206, part.statusCode());
            assertEquals("bytes 100-199/" + body.length, part.headers().firstValue("Content-Range").orElse(null));
            assertArrayEquals(Arrays.copyOfRange(body, 100, 200), part.body());
            // beyond it: waits for the bytes
            Future<HttpResponse<byte[]>> late = pool.submit(() -> MirrorHttp.getBytes(mirror, path, "Range", "bytes=1500000-"));
            Thread.sleep(300);
            assertTrue(!late.isDone(), "bytes that have not arrived were answered");
            gate.countDown();
            HttpResponse<byte[]> tail = late.get(10, TimeUnit.SECONDS);
            assertEquals(206, tail.statusCode());
            assertArrayEquals(Arrays.copyOfRange(body, 1_500_000, body.length), tail.body());
            starter.body().close();
        } finally {
            gate.countDown();
        }
        assertEquals(1, upstream.count("GET", path));
    }

    @Test
    void concurrentManifestRequestsShareOneUpstreamRequest() throws Exception {
        FakeImage image = FakeImage.named("collapse");
        byte[] manifest = image.manifest();
        String digest = image.digest();
        String path = "/v2/sem/collapse/manifests/1";
        CountDownLatch gate = new CountDownLatch(1);
        AtomicReference<FaultyUpstream.Behaviour> answer = new AtomicReference<>(
                FaultyUpstream.after(gate, FaultyUpstream.manifest(manifest, MediaTypes.OCI_MANIFEST)));
        upstream.on(path, FaultyUpstream.switchable(answer));

        // a tag nobody asked for yet: one GET for all
        List<Future<HttpResponse<String>>> gets = inParallel(CLIENTS, () -> MirrorHttp.get(mirror, path));
        Thread.sleep(500);
        gate.countDown();
        for (Future<HttpResponse<String>> g : gets) {
            HttpResponse<String> r = g.get(20, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(digest, r.headers().firstValue("Docker-Content-Digest").orElse(null));
        }
        assertEquals(1, upstream.count("GET", path));

        // a known tag: the check upstream is one HEAD for all, whether clients GET or HEAD
        CountDownLatch second = new CountDownLatch(1);
        answer.set(FaultyUpstream.after(second, FaultyUpstream.manifest(manifest, MediaTypes.OCI_MANIFEST)));
        upstream.clear();
        List<Future<HttpResponse<String>>> checks = inParallel(CLIENTS, () -> MirrorHttp.get(mirror, path));
        List<Future<HttpResponse<String>>> heads = inParallel(CLIENTS / 2, () -> MirrorHttp.request(mirror, "HEAD", path));
        Thread.sleep(500);
        second.countDown();
        for (Future<HttpResponse<String>> c : checks) {
            assertEquals("HIT", c.get(20, TimeUnit.SECONDS).headers().firstValue("X-Cache").orElse(null));
        }
        for (Future<HttpResponse<String>> h : heads) {
            assertEquals(digest, h.get(20, TimeUnit.SECONDS).headers().firstValue("Docker-Content-Digest").orElse(null));
        }
        assertEquals(1, upstream.count("HEAD", path), upstream.requests().toString());
        assertEquals(0, upstream.count("GET", path), upstream.requests().toString());
    }

    @Test
    void cachedContentIsServedStaleOnServerErrorsRateLimitsAndTimeouts() throws Exception {
        byte[] manifest = FakeImage.named("stale").manifest();
        byte[] blob = FakeImage.random(200_000, 4);
        String tagPath = "/v2/sem/stale/manifests/1";
        String blobPath = FaultyUpstream.blobPath("sem/stale", blob);
        AtomicReference<FaultyUpstream.Behaviour> answer = new AtomicReference<>(FaultyUpstream.manifest(manifest, MediaTypes.OCI_MANIFEST));
        upstream.on(tagPath, FaultyUpstream.switchable(answer));
        upstream.on(blobPath, FaultyUpstream.blob(blob));
        assertEquals(200, MirrorHttp.get(mirror, tagPath).statusCode());
        assertEquals(200, MirrorHttp.getBytes(mirror, blobPath).statusCode());

        CountDownLatch never = new CountDownLatch(1);
        Map<String, FaultyUpstream.Behaviour> faults = Map.of(
                "500", FaultyUpstream.status(500, "UNKNOWN", Map.of()),
                "429", FaultyUpstream.status(429, "TOOMANYREQUESTS", Map.of("Retry-After", "60")),
                "timeout", FaultyUpstream.hang(never));
        try {
            for (var fault : faults.entrySet()) {
                answer.set(fault.getValue());
                long t0 = System.nanoTime();
                var stale = MirrorHttp.get(mirror, tagPath);
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(200, stale.statusCode(), fault.getKey() + ": " + stale.body());
                assertEquals("STALE", stale.headers().firstValue("X-Cache").orElse(null), fault.getKey());
                assertNotNull(stale.headers().firstValue("Warning").orElse(null), fault.getKey());
                assertArrayEquals(manifest, stale.body().getBytes(StandardCharsets.UTF_8), fault.getKey());
                assertTrue(millis < 10_000, fault.getKey() + " took " + millis + " ms");
                var head = MirrorHttp.request(mirror, "HEAD", tagPath);
                assertEquals("STALE", head.headers().firstValue("X-Cache").orElse(null), fault.getKey());
                var cachedBlob = MirrorHttp.getBytes(mirror, blobPath);
                assertArrayEquals(blob, cachedBlob.body(), fault.getKey());
            }
            // what was never cached gets a clear error; a 429 passes through with its Retry-After
            String uncached = "/v2/sem/never/manifests/1";
            upstream.on(uncached, FaultyUpstream.status(429, "TOOMANYREQUESTS", Map.of("Retry-After", "60")));
            var limited = MirrorHttp.get(mirror, uncached);
            assertEquals(429, limited.statusCode());
            assertEquals("60", limited.headers().firstValue("Retry-After").orElse(null));
            upstream.on(uncached, FaultyUpstream.hang(never));
            var timedOut = MirrorHttp.get(mirror, uncached);
            assertEquals(503, timedOut.statusCode(), timedOut.body());
            assertTrue(timedOut.body().contains("UNAVAILABLE"), timedOut.body());
        } finally {
            never.countDown();
        }
        // and when the upstream is back, the tag is fresh again
        answer.set(FaultyUpstream.manifest(manifest, MediaTypes.OCI_MANIFEST));
        assertEquals("HIT", MirrorHttp.get(mirror, tagPath).headers().firstValue("X-Cache").orElse(null));
    }

    @Test
    void transientUpstreamFailuresAreRetried() throws Exception {
        byte[] body = FakeImage.random(300_000, 5);
        String path = FaultyUpstream.blobPath("sem/flaky", body);
        upstream.on(path, FaultyUpstream.failFirst(1, 503, FaultyUpstream.blob(body)));
        var r = MirrorHttp.getBytes(mirror, path);
        assertEquals(200, r.statusCode());
        assertArrayEquals(body, r.body());
        assertEquals(2, upstream.count("GET", path));
    }
}
