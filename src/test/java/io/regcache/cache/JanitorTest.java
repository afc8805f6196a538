package io.regcache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.config.CachePolicy;
import io.regcache.oci.Access;
import io.regcache.oci.Digest;
import io.regcache.oci.MediaTypes;
import io.regcache.oci.Repository;
import io.regcache.oci.RepositoryName;
import io.regcache.store.BlobStore;
import io.regcache.store.ManifestRecord;
import io.regcache.store.RepositoryIndex;
import io.regcache.store.TagRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expiry and the size limit over a real store on disk; ages are set through file times. */
class JanitorTest {
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path root;

    BlobStore store;
    RepositoryIndex index;
    Leases leases;
    long now;

    @BeforeEach
    void setUp() {
        store = new BlobStore(root);
        index = new RepositoryIndex(root);
        leases = new Leases();
        now = System.currentTimeMillis();
    }

    private Janitor janitor(Duration ttl, long maxSize) {
        return new Janitor(store, index, leases,
                new CachePolicy(ttl, Duration.ZERO, maxSize, Duration.ofSeconds(30), Duration.ofMinutes(10)), Clock.systemUTC(), io.regcache.metrics.Telemetry.NONE, image -> { });
    }

    private Digest blob(int size, long seed, long ageMillis) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Digest d = Digest.sha256(b);
        store.put(d, b);
        age(store.pathOf(d), ageMillis);
        return d;
    }

    private void age(Path file, long ageMillis) throws IOException {
        Files.setLastModifiedTime(file, FileTime.fromMillis(now - ageMillis));
    }

    private static String descriptor(Digest d, long size) {
        return "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + d + "\",\"size\":" + size + "}";
    }

    /** An image manifest in the repository, used {@code ageMillis} ago, referencing config and layers. */
    private Digest image(Repository repo, String tag, long ageMillis, Digest config, Digest... layers) throws IOException {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"config\":" + descriptor(config, 1) + ",\"layers\":[");
        for (int i = 0; i < layers.length; i++) {
            json.append(i > 0 ? "," : "").append(descriptor(layers[i], 1));
        }
        return record(repo, tag, ageMillis, json.append("]}").toString(), MediaTypes.OCI_MANIFEST);
    }

    private Digest index(Repository repo, String tag, long ageMillis, Digest... children) throws IOException {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[");
        for (int i = 0; i < children.length; i++) {
            json.append(i > 0 ? "," : "").append("{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"")
                    .append(children[i]).append("\",\"size\":1}");
        }
        return record(repo, tag, ageMillis, json.append("]}").toString(), MediaTypes.OCI_INDEX);
    }

    private Digest record(Repository repo, String tag, long ageMillis, String json, String type) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Digest d = Digest.sha256(bytes);
        store.put(d, bytes);
        age(store.pathOf(d), ageMillis);
        index.putManifest(repo, new ManifestRecord(d.toString(), type, bytes.length, now, Access.ANONYMOUS));
        if (tag != null) {
            index.putTag(repo, tag, "f", new TagRecord(d.toString(), type, bytes.length, now, Access.ANONYMOUS));
        }
        age(root.resolve("repositories").resolve(repo.registry()).resolve(repo.name().value())
                .resolve("_manifests").resolve("sha256").resolve(d.hex() + ".json"), ageMillis);
        return d;
    }

    private static Repository repo(String name) {
        return new Repository("docker.io", new RepositoryName(name));
    }

    @Test
    void expiredImagesGoButLayersSharedWithKeptImagesStay() throws IOException {
        Repository old = repo("library/old");
        Repository fresh = repo("library/fresh");
        Digest shared = blob(1000, 1, 200 * HOUR);
        Digest oldOnly = blob(1000, 2, 200 * HOUR);
        Digest oldConfig = blob(100, 3, 200 * HOUR);
        Digest freshConfig = blob(100, 4, 200 * HOUR); // a blob's own age does not matter while an image needs it
        Digest oldImage = image(old, "1", 200 * HOUR, oldConfig, shared, oldOnly);
        Digest freshImage = image(fresh, "1", HOUR, freshConfig, shared);

        Janitor.Report report = janitor(Duration.ofHours(168), -1).run();

        assertEquals(1, report.imagesRemoved());
        assertTrue(index.manifest(old, oldImage).isEmpty(), "the expired image is still recorded");
        assertTrue(index.tag(old, "1").isEmpty(), "the expired image's tag still points at it");
        assertFalse(store.contains(oldOnly));
        assertFalse(store.contains(oldConfig));
        assertFalse(store.contains(oldImage));
        assertTrue(store.contains(shared), "a layer the kept image needs was removed");
        assertTrue(store.contains(freshConfig));
        assertTrue(store.contains(freshImage));
        assertTrue(index.manifest(fresh, freshImage).isPresent());
    }

    @Test
    void aKeptIndexKeepsItsPlatformManifestsAndTheirLayers() throws IOException {
        Repository multi = repo("library/multi");
        Digest layer = blob(500, 5, 300 * HOUR);
        Digest config = blob(50, 6, 300 * HOUR);
        Digest child = image(multi, null, 300 * HOUR, config, layer);
        Digest top = index(multi, "1", HOUR, child);

        janitor(Duration.ofHours(168), -1).run();

        assertTrue(index.manifest(multi, top).isPresent());
        assertTrue(index.manifest(multi, child).isPresent(), "the platform manifest of a kept index was removed");
        assertTrue(store.contains(child) && store.contains(layer) && store.contains(config));
    }

    @Test
    void overTheSizeLimitTheLeastRecentlyUsedImagesGoFirst() throws IOException {
        Digest base = blob(10_000, 7, HOUR);
        Digest[] images = new Digest[3];
        Digest[] own = new Digest[3];
        for (int i = 0; i < 3; i++) {
            own[i] = blob(10_000, 10 + i, HOUR);
            // image 0 is the least recently used, image 2 the most
            images[i] = image(repo("team/app" + i), "1", (3 - i) * HOUR, blob(100, 20 + i, HOUR), base, own[i]);
        }
        long total = store.all().stream().mapToLong(BlobStore.Entry::size).sum();
        // room for everything but one image's own layer
        Janitor.Report report = janitor(Duration.ZERO, total - 5_000).run();

        assertTrue(report.bytesKept() <= total - 5_000, report.toString());
        assertTrue(index.manifest(repo("team/app0"), images[0]).isEmpty(), "the oldest image was kept");
        assertFalse(store.contains(own[0]));
        assertTrue(index.manifest(repo("team/app1"), images[1]).isPresent(), "more was evicted than needed");
        assertTrue(index.manifest(repo("team/app2"), images[2]).isPresent());
        assertTrue(store.contains(base), "a layer kept images share was removed");
        assertTrue(store.contains(own[1]) && store.contains(own[2]));
    }

    @Test
    void looseBlobsGoFirstWhenSpaceIsNeeded() throws IOException {
        Digest loose = blob(50_000, 30, 2 * HOUR); // pulled by digest, no image of ours references it
        Digest layer = blob(10_000, 31, 5 * HOUR);
        Digest image = image(repo("team/kept"), "1", 5 * HOUR, blob(100, 32, 5 * HOUR), layer);
        long total = store.all().stream().mapToLong(BlobStore.Entry::size).sum();

        janitor(Duration.ZERO, total - 1).run();

        assertFalse(store.contains(loose));
        assertTrue(store.contains(layer) && store.contains(image), "an image went although removing the loose blob was enough");
    }

    @Test
    void aBlobBeingReadIsLeftForTheNextRun() throws IOException {
        Digest reading = blob(1000, 40, 500 * HOUR);
        Janitor janitor = janitor(Duration.ofHours(1), -1);
        try (ReadLease lease = leases.acquire(reading)) {
            assertEquals(0, janitor.run().blobsRemoved());
            assertTrue(store.contains(reading));
        }
        assertEquals(1, janitor.run().blobsRemoved());
        assertFalse(store.contains(reading));
    }

    @Test
    void withoutTtlOrLimitNothingIsRemoved() throws IOException {
        Digest layer = blob(1000, 50, 10_000 * HOUR);
        Digest image = image(repo("team/ancient"), "1", 10_000 * HOUR, blob(10, 51, 10_000 * HOUR), layer);
        long before = store.all().size();
        Janitor.Report report = janitor(Duration.ZERO, -1).run();
        assertEquals(0, report.imagesRemoved() + report.blobsRemoved());
        assertEquals(before, store.all().size());
        assertTrue(index.manifest(repo("team/ancient"), image).isPresent());
    }
}
