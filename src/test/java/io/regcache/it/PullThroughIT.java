package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.it.support.BlobRef;
import io.regcache.it.support.Digests;
import io.regcache.it.support.ImageKind;
import io.regcache.it.support.ImageSeeder;
import io.regcache.it.support.Platform;
import io.regcache.it.support.PulledImage;
import io.regcache.it.support.RegistryHttpClient;
import io.regcache.it.support.RegistryRequest;
import io.regcache.it.support.RequiredTools;
import io.regcache.it.support.SeededImage;
import io.regcache.it.support.Skopeo;
import io.regcache.it.support.TokenServer;
import io.regcache.it.support.UpstreamRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pulls through the deployed WAR from a real distribution registry with Docker Hub-style token
 * auth, with skopeo and with plain HTTP, and compares every byte with what the upstream serves.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PullThroughIT extends DeployedMirror {
    static TokenServer tokens;
    static UpstreamRegistry upstream;
    static Skopeo skopeo;
    static SeededImage v2s2;
    static SeededImage oci;
    static SeededImage ociIndex;
    static SeededImage dockerList;
    static SeededImage secret;

    @RegisterExtension
    @org.junit.jupiter.api.Order(1)
    static final BeforeDeploy setup = BeforeDeploy.run(PullThroughIT::start);

    static void start() {
        RequiredTools.require("docker-registry", "skopeo");
        tokens = setup.closeLater(TokenServer.start());
        upstream = setup.closeLater(UpstreamRegistry.start(UpstreamRegistry.Auth.token(tokens)));
        skopeo = setup.closeLater(new Skopeo());
        ImageSeeder seeder = setup.closeLater(new ImageSeeder(upstream, skopeo));
        v2s2 = seeder.seed(ImageKind.DOCKER_V2S2, "library/alpha", "1", 300_000, 1_200_000);
        seeder.seed(ImageKind.OCI, "library/alpha", "2", 10_000);
        seeder.seed(ImageKind.OCI, "library/alpha", "3", 10_000);
        oci = seeder.seed(ImageKind.OCI, "team/oci-app", "2.0", 700_000);
        ociIndex = seeder.seed(ImageKind.OCI_INDEX, "library/multi", "1", 400_000);
        dockerList = seeder.seed(ImageKind.DOCKER_MANIFEST_LIST, "team/list", "1", 250_000);
        secret = seeder.seed(ImageKind.OCI, "private/secret", "1", 100_000);
        Path storage = setup.tempDir("mirror-storage");
        // the mirror holds alice's account, which the token server requires for private/*
        MirrorYaml.storage(storage)
                .upstream("docker.io", upstream.url(), TokenServer.ALICE, TokenServer.ALICE_PASSWORD, true)
                .install();
    }

    private RegistryHttpClient http() {
        return new RegistryHttpClient("http://" + mirrorHost());
    }

    @Test
    @Order(1)
    void skopeoCopiesEveryKindByteForByte(@TempDir Path tmp) {
        for (SeededImage image : List.of(v2s2, oci, ociIndex, dockerList)) {
            Path dir = tmp.resolve(image.repository().replace('/', '_'));
            // one-component names are Docker Hub official images: "alpha" is "library/alpha"
            String name = image.repository().startsWith("library/") ? image.repository().substring(8) : image.repository();
            skopeo.copyToDir("docker://" + mirrorHost() + "/" + name + ":" + image.tag(), dir, null, image.isIndex());
            PulledImage.assertManifestBlobsAndChildren(dir, image);
        }
    }

    @Test
    @Order(2)
    void manifestResponsesCarryTheUpstreamsDigestTypeAndLength() {
        for (SeededImage image : List.of(v2s2, oci, ociIndex, dockerList)) {
            for (String ref : List.of(image.tag(), image.digest())) {
                RegistryHttpClient.Response get = http().getManifest(image.repository(), ref);
                assertEquals(200, get.status(), get.bodyText());
                assertArrayEquals(image.manifestBytes(), get.body());
                assertEquals(image.mediaType(), get.contentType());
                assertEquals(image.digest(), get.digestHeader());
                assertEquals(String.valueOf(image.manifestBytes().length), get.header("Content-Length"));
                assertEquals("\"" + image.digest() + "\"", get.header("ETag"));
                assertEquals("registry/2.0", get.header("Docker-Distribution-API-Version"));

                RegistryHttpClient.Response head = http().headManifest(image.repository(), ref);
                assertEquals(200, head.status());
                assertEquals(0, head.body().length);
                assertEquals(image.digest(), head.digestHeader());
                assertEquals(image.mediaType(), head.contentType());
                assertEquals(String.valueOf(image.manifestBytes().length), head.header("Content-Length"));
            }
        }
    }

    @Test
    @Order(3)
    void acceptDecidesWhatATagResolvesTo() throws Exception {
        // Docker's style: one Accept line per type. Without list support the upstream answers the amd64 child.
        var response = MirrorHttp.get(mirror, "/v2/team/list/manifests/1",
                "Accept", "application/vnd.docker.distribution.manifest.v2+json",
                "Accept", "application/vnd.oci.image.manifest.v1+json");
        assertEquals(200, response.statusCode());
        assertEquals(dockerList.child(Platform.LINUX_AMD64).digest(),
                response.headers().firstValue("Docker-Content-Digest").orElseThrow());
        // and with list support, the same tag is the list itself: records are kept per Accept set
        var full = MirrorHttp.get(mirror, "/v2/team/list/manifests/1",
                "Accept", "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json");
        assertEquals(dockerList.digest(), full.headers().firstValue("Docker-Content-Digest").orElseThrow());
        // an OCI index is not served to a client that does not accept it
        var refused = MirrorHttp.get(mirror, "/v2/library/multi/manifests/1",
                "Accept", "application/vnd.docker.distribution.manifest.v2+json");
        assertEquals(404, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("MANIFEST_UNKNOWN"), refused.body());
    }

    @Test
    @Order(4)
    void aCachedTagIsRevalidatedWithAHeadOnly() {
        http().getManifest("library/alpha", "1"); // cached by now in any case
        upstream.clearRequests();
        RegistryHttpClient.Response again = http().getManifest("library/alpha", "1");
        assertEquals(200, again.status());
        assertEquals("HIT", again.header("X-Cache"));
        List<RegistryRequest> seen = upstream.requests().stream()
                .filter(r -> r.status() != 401).toList();
        assertEquals(1, seen.size(), UpstreamRegistry.describe(seen));
        assertTrue(seen.get(0).is("HEAD", "/v2/library/alpha/manifests/1"), UpstreamRegistry.describe(seen));
    }

    @Test
    @Order(5)
    void contentRequestedByDigestComesFromDiskWithoutAskingTheUpstream() {
        http().getManifest(oci.repository(), oci.digest());
        for (BlobRef blob : oci.blobs()) {
            http().getBlob(oci.repository(), blob.digest());
        }
        upstream.clearRequests();
        RegistryHttpClient.Response manifest = http().getManifest(oci.repository(), oci.digest());
        assertEquals("HIT", manifest.header("X-Cache"));
        assertArrayEquals(oci.manifestBytes(), manifest.body());
        for (BlobRef blob : oci.blobs()) {
            RegistryHttpClient.Response b = http().getBlob(oci.repository(), blob.digest());
            assertEquals(200, b.status());
            assertEquals(blob.size(), b.body().length);
            assertEquals("HIT", b.header("X-Cache"));
            assertEquals(blob.digest(), Digests.sha256(b.body()));
        }
        assertEquals(List.of(), upstream.requests(), "the upstream was contacted");
    }

    @Test
    @Order(6)
    void blobRangesAreServed() throws Exception {
        BlobRef layer = v2s2.layers().get(1);
        byte[] whole = http().getBlob(v2s2.repository(), layer.digest()).body();
        var part = MirrorHttp.getBytes(mirror, "/v2/library/alpha/blobs/" + layer.digest(), "Range", "bytes=1000-1999");
        assertEquals(206, part.statusCode());
        assertEquals("bytes 1000-1999/" + layer.size(), part.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(java.util.Arrays.copyOfRange(whole, 1000, 2000), part.body());
        var open = MirrorHttp.getBytes(mirror, "/v2/library/alpha/blobs/" + layer.digest(), "Range", "bytes=" + (layer.size() - 10) + "-");
        assertArrayEquals(java.util.Arrays.copyOfRange(whole, whole.length - 10, whole.length), open.body());
        var beyond = MirrorHttp.getBytes(mirror, "/v2/library/alpha/blobs/" + layer.digest(), "Range", "bytes=" + layer.size() + "-");
        assertEquals(416, beyond.statusCode());
        assertEquals("bytes */" + layer.size(), beyond.headers().firstValue("Content-Range").orElseThrow());
    }

    @Test
    @Order(7)
    void privateContentIsFetchedWithTheMirrorsAccountForEntitledUsers(@TempDir Path dir) throws Exception {
        tokens.resetCounters();
        // a realm user with registry-private receives what only the mirror's account can fetch
        skopeo.copyToDir("docker://" + mirrorHost() + "/" + secret.repository() + ":1", dir, RealmUsers.INSIDER, false);
        assertArrayEquals(secret.manifestBytes(), Files.readAllBytes(dir.resolve("manifest.json")));
        assertTrue(tokens.requestsFor(TokenServer.ALICE) > 0, "no token was requested with the account");
    }

    @Test
    @Order(8)
    void tagListsAreProxiedAndPaged() throws Exception {
        var all = MirrorHttp.get(mirror, "/v2/library/alpha/tags/list");
        assertEquals(200, all.statusCode());
        assertEquals(Set.of("1", "2", "3"), tagsOf(all.body()));

        // follow the Link header page by page, the way clients do
        List<String> collected = new java.util.ArrayList<>();
        String next = "/v2/alpha/tags/list?n=2";
        int pages = 0;
        while (next != null) {
            var page = MirrorHttp.get(mirror, next);
            assertEquals(200, page.statusCode(), page.body());
            Set<String> tags = tagsOf(page.body());
            assertTrue(tags.size() <= 2, page.body());
            collected.addAll(new java.util.TreeSet<>(tags));
            next = page.headers().firstValue("Link")
                    .map(l -> l.substring(l.indexOf('<') + 1, l.indexOf('>'))).orElse(null);
            assertTrue(next == null || next.startsWith("/v2/alpha/tags/list?"), "Link keeps the client's name: " + next);
            pages++;
        }
        assertEquals(List.of("1", "2", "3"), collected);
        assertEquals(2, pages);

        var none = MirrorHttp.get(mirror, "/v2/library/alpha/tags/list?n=0");
        assertEquals(200, none.statusCode());
        assertEquals(Set.of(), tagsOf(none.body()));
        assertTrue(none.headers().firstValue("Link").isEmpty());
    }

    private static Set<String> tagsOf(String json) throws Exception {
        Set<String> tags = new java.util.HashSet<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    @Test
    @Order(9)
    void withTheUpstreamStoppedCachedImagesStillPullByDigest(@TempDir Path tmp) {
        upstream.stop();
        try {
            for (SeededImage image : List.of(ociIndex, v2s2)) {
                Path dir = tmp.resolve(image.repository().replace('/', '_'));
                skopeo.copyToDir("docker://" + mirrorHost() + "/" + image.repository() + "@" + image.digest(), dir, null,
                        image.isIndex());
                PulledImage.assertManifestAndBlobs(dir, image);
            }
            // by tag, the cache answers with what it has, marked stale
            RegistryHttpClient.Response stale = http().getManifest(v2s2.repository(), "1");
            assertEquals(200, stale.status(), stale.bodyText());
            assertEquals("STALE", stale.header("X-Cache"));
            assertNotEquals(null, stale.header("Warning"));
            // what was never cached is a clear error, not a hang
            RegistryHttpClient.Response uncached = http().getManifest("library/never-pulled", "1");
            assertEquals(503, uncached.status());
            assertTrue(uncached.bodyText().contains("UNAVAILABLE"), uncached.bodyText());
        } finally {
            upstream.start();
        }
    }
}
