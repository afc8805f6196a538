package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.it.support.FaultyUpstream;
import io.regcache.oci.Digest;
import io.regcache.oci.MediaTypes;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Expiry through the deployed mirror with a TTL of seconds and a busy janitor: an image nobody
 * uses goes, a layer it shares with an image in use stays, and a blob a client is still reading
 * is not removed under it.
 */
class ExpiryIT extends DeployedMirror {
    static FaultyUpstream upstream;
    static Path storage;

    @RegisterExtension
    @Order(1)
    static final BeforeDeploy setup = BeforeDeploy.run(ExpiryIT::start);

    static void start() {
        upstream = setup.closeLater(FaultyUpstream.start());
        storage = setup.tempDir("expiry-storage");
        MirrorYaml.storage(storage)
                .upstream("docker.io", upstream.url(), true)
                .with("proxy:\n  ttl: 3s\n  janitorinterval: 1s")
                .install();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Path fileOf(Digest d) {
        return storage.resolve("blobs").resolve("sha256").resolve(d.hex().substring(0, 2)).resolve(d.hex());
    }

    /** Publishes an image upstream: its blobs and a manifest under tag 1; returns the manifest's digest. */
    private Digest publish(String repo, byte[]... blobs) {
        StringBuilder layers = new StringBuilder();
        for (int i = 1; i < blobs.length; i++) {
            upstream.on("/v2/" + repo + "/blobs/" + Digest.sha256(blobs[i]), FaultyUpstream.serve(blobs[i], "application/octet-stream"));
            layers.append(i > 1 ? "," : "").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"")
                    .append(Digest.sha256(blobs[i])).append("\",\"size\":").append(blobs[i].length).append('}');
        }
        upstream.on("/v2/" + repo + "/blobs/" + Digest.sha256(blobs[0]), FaultyUpstream.serve(blobs[0], "application/octet-stream"));
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Digest.sha256(blobs[0]) + "\",\"size\":"
                + blobs[0].length + "},\"layers\":[" + layers + "]}").getBytes(StandardCharsets.UTF_8);
        upstream.on("/v2/" + repo + "/manifests/1", FaultyUpstream.manifest(manifest, MediaTypes.OCI_MANIFEST));
        upstream.on("/v2/" + repo + "/manifests/" + Digest.sha256(manifest), FaultyUpstream.manifest(manifest, MediaTypes.OCI_MANIFEST));
        return Digest.sha256(manifest);
    }

    private void pull(String repo, byte[]... blobs) {
        assertEquals(200, MirrorHttp.get(mirror, "/v2/" + repo + "/manifests/1").statusCode());
        for (byte[] b : blobs) {
            assertArrayEquals(b, MirrorHttp.getBytes(mirror, "/v2/" + repo + "/blobs/" + Digest.sha256(b)).body());
        }
    }

    @Test
    void anUnusedImageExpiresButALayerSharedWithAnImageInUseStays() throws Exception {
        byte[] shared = random(300_000, 1);
        byte[] oldConfig = random(100, 2);
        byte[] oldLayer = random(200_000, 3);
        byte[] usedConfig = random(100, 4);
        byte[] usedLayer = random(200_000, 5);
        Digest oldManifest = publish("exp/old", oldConfig, shared, oldLayer);
        Digest usedManifest = publish("exp/used", usedConfig, shared, usedLayer);
        pull("exp/old", oldConfig, shared, oldLayer);
        pull("exp/used", usedConfig, shared, usedLayer);

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Files.exists(fileOf(Digest.sha256(oldLayer)))) {
            assertTrue(System.nanoTime() < deadline, "the unused image's layer was never removed");
            assertEquals(200, MirrorHttp.get(mirror, "/v2/exp/used/manifests/1").statusCode()); // keeps "used" in use
            Thread.sleep(300);
        }
        assertFalse(Files.exists(fileOf(oldManifest)));
        assertFalse(Files.exists(fileOf(Digest.sha256(oldConfig))));
        assertTrue(Files.exists(fileOf(Digest.sha256(shared))), "a layer an image in use needs was removed");
        assertTrue(Files.exists(fileOf(Digest.sha256(usedLayer))));
        assertTrue(Files.exists(fileOf(usedManifest)));
        assertEquals("HIT", MirrorHttp.get(mirror, "/v2/exp/used/manifests/1").headers().firstValue("X-Cache").orElse(null));

        // the expired image comes back from the upstream when asked for again
        String oldLayerPath = "/v2/exp/old/blobs/" + Digest.sha256(oldLayer);
        long before = upstream.count("GET", oldLayerPath);
        var again = MirrorHttp.getBytes(mirror, oldLayerPath);
        assertArrayEquals(oldLayer, again.body());
        assertEquals("MISS", again.headers().firstValue("X-Cache").orElse(null));
        assertEquals(before + 1, upstream.count("GET", oldLayerPath));
    }

    @Test
    void aBlobIsNotRemovedWhileAClientReadsIt() throws Exception {
        byte[] big = random(48 * 1024 * 1024, 6);
        Digest digest = Digest.sha256(big);
        String path = "/v2/exp/reading/blobs/" + digest;
        upstream.on(path, FaultyUpstream.serve(big, "application/octet-stream"));
        assertArrayEquals(big, MirrorHttp.getBytes(mirror, path).body()); // cached now, referenced by no image

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<InputStream> slow = http.send(HttpRequest.newBuilder(URI.create(mirror.toString().replaceAll("/$", "") + path)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = slow.body()) {
            byte[] first = in.readNBytes(100_000);
            Thread.sleep(6_000); // the TTL passes and the janitor runs several times meanwhile
            assertTrue(Files.exists(fileOf(digest)), "the blob was removed while a client was reading it");
            byte[] rest = in.readAllBytes();
            assertArrayEquals(big, concat(first, rest));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (Files.exists(fileOf(digest))) {
            assertTrue(System.nanoTime() < deadline, "the expired blob stayed after its reader finished");
            Thread.sleep(200);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
