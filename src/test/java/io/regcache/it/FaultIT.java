package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.it.support.FakeImage;
import io.regcache.it.support.FaultyUpstream;
import io.regcache.it.support.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults a real registry does not produce, injected by an in-process upstream: wrong bytes for a
 * digest, a stalled body, a connection dropped half-way, 429 and 500 answers.
 */
class FaultIT extends DeployedMirror {
    static FaultyUpstream upstream;
    static MirrorStorage storage;

    @RegisterExtension
    @Order(1)
    static final BeforeDeploy setup = BeforeDeploy.run(FaultIT::start);

    static void start() {
        upstream = setup.closeLater(FaultyUpstream.start());
        storage = new MirrorStorage(setup.tempDir("fault-storage"));
        MirrorYaml.storage(storage.root()).upstream("docker.io", upstream.url(), true).install();
    }

    @Test
    void wrongBytesAreNeverDeliveredCompleteNorCached() throws Exception {
        byte[] right = FakeImage.random(600_000, 1);
        byte[] wrong = right.clone();
        wrong[wrong.length - 1] ^= 0x55; // differs only in the very last byte
        String path = FaultyUpstream.blobPath("faults/wrong", right);
        upstream.on(path, FaultyUpstream.blob(wrong));
        int before = storage.blobFiles().size();

        for (int attempt = 1; attempt <= 2; attempt++) {
            HttpResponse<InputStream> response = MirrorHttp.stream(mirror, path);
            try (InputStream in = response.body()) {
                if (response.statusCode() == 200) {
                    // bytes were on their way when the digest failed: the transfer must break off, at
                    // once (not when an idle connection times out, as with a response ended as if complete)
                    assertEquals(String.valueOf(right.length), response.headers().firstValue("Content-Length").orElseThrow());
                    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(IOException.class, () -> {
                        byte[] got = in.readAllBytes();
                        throw new AssertionError("the body completed with " + got.length + " bytes");
                    }, "the client must see a broken transfer"), "the broken transfer was not cut off");
                } else {
                    // the download failed before the first byte: an error response instead
                    String body = new String(in.readAllBytes());
                    assertEquals(502, response.statusCode(), body);
                    assertTrue(body.contains("\"errors\""), body);
                }
            }
            assertEquals(before, storage.blobFiles().size(), "wrong content was stored");
            assertEquals(0, storage.partFiles().size(), "temp file left behind");
            // nothing was kept, so every request goes upstream again
            assertEquals(attempt, upstream.count("GET", path));
        }
    }

    @Test
    void aManifestWithWrongBytesIsRefusedAndNotCached() throws Exception {
        FakeImage right = FakeImage.named("wrong-bytes");
        byte[] wrong = Arrays.copyOf(right.manifest(), right.manifest().length + 1);
        wrong[wrong.length - 1] = ' '; // the same JSON, with a space more
        String path = "/v2/faults/manifest/manifests/" + right.digest();
        upstream.on(path, FaultyUpstream.serve(wrong, MediaTypes.OCI_MANIFEST));
        for (int i = 1; i <= 2; i++) {
            var r = MirrorHttp.get(mirror, path, "Accept", MediaTypes.OCI_MANIFEST);
            assertEquals(502, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"errors\""), r.body());
            assertEquals(i, upstream.count("GET", path));
        }
    }

    @Test
    void firstBytesReachTheClientBeforeTheUpstreamFinishes() throws Exception {
        byte[] body = FakeImage.random(2_000_000, 2);
        String path = FaultyUpstream.blobPath("faults/slow", body);
        CountDownLatch gate = new CountDownLatch(1);
        upstream.on(path, FaultyUpstream.stallAfter(body, 100_000, gate));
        try {
            HttpResponse<InputStream> response = MirrorHttp.stream(mirror, path);
            assertEquals(200, response.statusCode());
            try (InputStream in = response.body()) {
                // every byte the upstream has sent, up to the last: none waits in a buffer for more
                byte[] first = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> in.readNBytes(100_000),
                        "the bytes the upstream sent did not all arrive while it was stalled");
                assertArrayEquals(Arrays.copyOf(body, 100_000), first);
                gate.countDown();
                byte[] rest = in.readAllBytes();
                assertEquals(body.length - 100_000, rest.length);
                assertArrayEquals(Arrays.copyOfRange(body, 100_000, body.length), rest);
            }
        } finally {
            gate.countDown();
        }
    }

    @Test
    void aDroppedUpstreamConnectionIsResumedWithARangeRequest() throws Exception {
        byte[] body = FakeImage.random(1_500_000, 3);
        String path = FaultyUpstream.blobPath("faults/dropped", body);
        upstream.on(path, FaultyUpstream.dropAfter(body, 700_000));
        HttpResponse<byte[]> r = MirrorHttp.getBytes(mirror, path);
        assertEquals(200, r.statusCode());
        assertArrayEquals(body, r.body());
        var resumed = upstream.requests().stream().filter(s -> s.path().equals(path) && s.range() != null).toList();
        assertEquals(1, resumed.size(), upstream.requests().toString());
        assertTrue(resumed.get(0).range().startsWith("bytes="), resumed.toString());
        assertTrue(Long.parseLong(resumed.get(0).range().replaceAll("\\D", "")) > 0, "resumed from 0: " + resumed);
    }

    @Test
    void upstreamRateLimitPassesThroughWithRetryAfter() {
        String path = "/v2/faults/limited/manifests/latest";
        upstream.on(path, FaultyUpstream.status(429, "TOOMANYREQUESTS", Map.of("Retry-After", "120")));
        var r = MirrorHttp.get(mirror, path);
        assertEquals(429, r.statusCode(), r.body());
        assertEquals("120", r.headers().firstValue("Retry-After").orElse(null));
        assertTrue(r.body().contains("TOOMANYREQUESTS"), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(null));
    }

    @Test
    void upstreamServerErrorIsAClearGatewayError() {
        String path = "/v2/faults/broken/manifests/latest";
        upstream.on(path, FaultyUpstream.status(500, "UNKNOWN", Map.of()));
        var r = MirrorHttp.get(mirror, path);
        assertEquals(502, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"code\":\"UNAVAILABLE\""), r.body());
    }
}
