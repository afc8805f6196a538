package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.it.support.Digests;
import io.regcache.it.support.FakeImage;
import io.regcache.it.support.FaultyUpstream;
import io.regcache.it.support.Poll;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
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
    static MirrorStorage storage;

    @RegisterExtension
    @Order(1)
    static final BeforeDeploy setup = BeforeDeploy.run(ExpiryIT::start);

    static void start() {
        upstream = setup.closeLater(FaultyUpstream.start());
        storage = new MirrorStorage(setup.tempDir("expiry-storage"));
        MirrorYaml.storage(storage.root())
                .upstream("docker.io", upstream.url(), true)
                .with("proxy:\n  ttl: 3s\n  janitorinterval: 1s")
                .install();
    }

    /** Pulls tag 1 of {@code repo} and every blob of {@code image}, checking the bytes. */
    private void pull(String repo, FakeImage image) {
        assertEquals(200, MirrorHttp.get(mirror, "/v2/" + repo + "/manifests/1").statusCode());
        for (byte[] b : image.blobs()) {
            assertArrayEquals(b, MirrorHttp.getBytes(mirror, FaultyUpstream.blobPath(repo, b)).body());
        }
    }

    @Test
    void anUnusedImageExpiresButALayerSharedWithAnImageInUseStays() throws Exception {
        byte[] shared = FakeImage.random(300_000, 1);
        byte[] oldConfig = FakeImage.random(100, 2);
        byte[] oldLayer = FakeImage.random(200_000, 3);
        byte[] usedConfig = FakeImage.random(100, 4);
        byte[] usedLayer = FakeImage.random(200_000, 5);
        FakeImage old = FakeImage.of(oldConfig, shared, oldLayer);
        FakeImage used = FakeImage.of(usedConfig, shared, usedLayer);
        upstream.publish("exp/old", "1", old).publish("exp/used", "1", used);
        pull("exp/old", old);
        pull("exp/used", used);

        Poll.until("the unused image's layer to be removed", Duration.ofSeconds(20), () -> {
            if (!Files.exists(storage.blobFile(oldLayer))) {
                return true;
            }
            assertEquals(200, MirrorHttp.get(mirror, "/v2/exp/used/manifests/1").statusCode()); // keeps "used" in use
            return false;
        });
        assertFalse(Files.exists(storage.blobFile(old.digest())));
        assertFalse(Files.exists(storage.blobFile(oldConfig)));
        assertTrue(Files.exists(storage.blobFile(shared)), "a layer an image in use needs was removed");
        assertTrue(Files.exists(storage.blobFile(usedLayer)));
        assertTrue(Files.exists(storage.blobFile(used.digest())));
        assertEquals("HIT", MirrorHttp.get(mirror, "/v2/exp/used/manifests/1").headers().firstValue("X-Cache").orElse(null));

        // the expired image comes back from the upstream when asked for again
        String oldLayerPath = FaultyUpstream.blobPath("exp/old", oldLayer);
        long before = upstream.count("GET", oldLayerPath);
        var again = MirrorHttp.getBytes(mirror, oldLayerPath);
        assertArrayEquals(oldLayer, again.body());
        assertEquals("MISS", again.headers().firstValue("X-Cache").orElse(null));
        assertEquals(before + 1, upstream.count("GET", oldLayerPath));
    }

    @Test
    void aBlobIsNotRemovedWhileAClientReadsIt() throws Exception {
        byte[] big = FakeImage.random(48 * 1024 * 1024, 6);
        String digest = Digests.sha256(big);
        String path = "/v2/exp/reading/blobs/" + digest;
        upstream.on(path, FaultyUpstream.blob(big));
        assertArrayEquals(big, MirrorHttp.getBytes(mirror, path).body()); // cached now, referenced by no image

        HttpResponse<InputStream> slow = MirrorHttp.stream(mirror, path);
        try (InputStream in = slow.body()) {
            byte[] first = in.readNBytes(100_000);
            Thread.sleep(6_000); // the TTL passes and the janitor runs several times meanwhile
            assertTrue(Files.exists(storage.blobFile(digest)), "the blob was removed while a client was reading it");
            byte[] rest = in.readAllBytes();
            assertArrayEquals(big, concat(first, rest));
        }
        Poll.until("the expired blob to go after its reader finished", Duration.ofSeconds(15),
                () -> !Files.exists(storage.blobFile(digest)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
