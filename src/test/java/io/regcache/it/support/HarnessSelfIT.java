package io.regcache.it.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.it.Standalone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the harness against the real tools: token-auth upstream, seeding every image kind,
 * skopeo and containerd pulls, restart on the same port, and the request log.
 */
@Standalone
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HarnessSelfIT {
    private static final String ALICE = TokenServer.ALICE + ":" + TokenServer.ALICE_PASSWORD;
    private static final long KIB = 1024;

    private static final Closer resources = new Closer();
    private static TokenServer tokens;
    private static UpstreamRegistry upstream;
    private static Skopeo skopeo;
    private static SeededImage v2s2;
    private static SeededImage oci;
    private static SeededImage ociIndex;
    private static SeededImage dockerList;
    private static SeededImage privateImage;

    @BeforeAll
    static void setUp() {
        RequiredTools.require("docker-registry", "skopeo", "containerd", "ctr");
        tokens = resources.add(TokenServer.start());
        upstream = resources.add(UpstreamRegistry.start(UpstreamRegistry.Auth.token(tokens)));
        skopeo = resources.add(new Skopeo());
        ImageSeeder seeder = resources.add(new ImageSeeder(upstream, skopeo));
        v2s2 = seeder.seed(ImageKind.DOCKER_V2S2, "library/harness-v2s2", "1.0", 100 * KIB, 300 * KIB);
        oci = seeder.seed(ImageKind.OCI, "team/harness-oci", "2.0", 200 * KIB);
        ociIndex = seeder.seed(ImageKind.OCI_INDEX, "library/harness-index", "3.0", 150 * KIB);
        dockerList = seeder.seed(ImageKind.DOCKER_MANIFEST_LIST, "library/harness-list", "4.0", 120 * KIB);
        privateImage = seeder.seed(ImageKind.OCI, "private/secret", "5.0", 100 * KIB);
    }

    @AfterAll
    static void tearDown() throws Exception {
        resources.close();
    }

    @Test
    @Order(1)
    void seededImagesHaveTheRequestedShape() {
        assertEquals(MediaTypes.DOCKER_MANIFEST, v2s2.mediaType());
        assertEquals(2, v2s2.layers().size());
        assertEquals(MediaTypes.DOCKER_CONFIG, v2s2.config().mediaType());
        assertEquals(MediaTypes.OCI_MANIFEST, oci.mediaType());
        assertEquals(MediaTypes.OCI_INDEX, ociIndex.mediaType());
        assertEquals(MediaTypes.DOCKER_MANIFEST_LIST, dockerList.mediaType());
        for (SeededImage multi : List.of(ociIndex, dockerList)) {
            assertEquals(List.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64),
                    multi.children().stream().map(SeededImage::platform).toList());
            // 2 configs + 2 layers, all distinct
            assertEquals(4, multi.blobs().size());
        }
        dockerList.children().forEach(c -> assertEquals(MediaTypes.DOCKER_MANIFEST, c.mediaType()));
        ociIndex.children().forEach(c -> assertEquals(MediaTypes.OCI_MANIFEST, c.mediaType()));
        // layer sizes: random content does not compress, so the gzip blob is slightly larger
        long layer = v2s2.layers().get(1).size();
        assertTrue(layer > 300 * KIB && layer < 310 * KIB, "layer size " + layer);
        assertEquals(Digests.sha256(v2s2.manifestBytes()), v2s2.digest());
    }

    @Test
    @Order(2)
    void anonymousPullOfPublicImagesReturnsTheSeededBytes() {
        assertArrayEquals(v2s2.manifestBytes(), skopeo.inspectRaw(v2s2.reference(), null));
        assertArrayEquals(oci.manifestBytes(), skopeo.inspectRaw(oci.reference(), null));
        assertTrue(tokens.requestsFor("") > 0, "anonymous token requests counted");
    }

    @Test
    @Order(3)
    void distributionAcceptsTokensThatNameTheKeyByLibtrustKid() {
        tokens.setKeyReference(TokenServer.KeyReference.LIBTRUST_KID);
        try {
            assertArrayEquals(oci.manifestBytes(), skopeo.inspectRaw(oci.reference(), null));
        } finally {
            tokens.setKeyReference(TokenServer.KeyReference.X5C);
        }
    }

    @Test
    @Order(4)
    void privateNamespaceNeedsAlice() {
        int aliceBefore = tokens.requestsFor(TokenServer.ALICE);
        CommandResult anonymous = skopeo.inspectRawResult(privateImage.reference(), null);
        assertFalse(anonymous.ok(), "anonymous inspect of private image must fail");
        assertTrue(anonymous.stderr().toLowerCase().contains("unauthorized")
                || anonymous.stderr().toLowerCase().contains("denied"), anonymous.stderr());
        // the anonymous token request for the private scope succeeded but granted nothing
        assertTrue(tokens.requests().stream().anyMatch(r -> r.account().isEmpty()
                && r.requestedScopes().contains("repository:private/secret:pull") && r.granted().isEmpty()
                && r.status() == 200), tokens.requests().toString());

        CommandResult wrongPassword = skopeo.inspectRawResult(privateImage.reference(), TokenServer.ALICE + ":nope");
        assertFalse(wrongPassword.ok());
        assertTrue(tokens.requests().stream().anyMatch(r -> r.status() == 401));

        assertArrayEquals(privateImage.manifestBytes(), skopeo.inspectRaw(privateImage.reference(), ALICE));
        assertTrue(tokens.requestsFor(TokenServer.ALICE) > aliceBefore);
    }

    @Test
    @Order(5)
    void copyAllOfMultiArchImagesMatchesSeededDigests(@TempDir Path tmp) throws Exception {
        for (SeededImage multi : List.of(ociIndex, dockerList)) {
            Path dir = tmp.resolve(multi.repository().replace('/', '_'));
            skopeo.copyToDir(multi.reference(), dir, null, true);
            assertArrayEquals(multi.manifestBytes(), Files.readAllBytes(dir.resolve("manifest.json")));
            Set<String> expectedBlobs = new HashSet<>();
            multi.blobs().forEach(b -> expectedBlobs.add(b.digest()));
            assertEquals(expectedBlobs, Skopeo.blobDigestsInDir(dir));
            Map<String, byte[]> instances = Skopeo.instanceManifestsInDir(dir);
            assertEquals(2, instances.size());
            for (SeededImage child : multi.children()) {
                assertArrayEquals(child.manifestBytes(), instances.get(child.digest()), child.toString());
            }
            for (String blob : Skopeo.blobDigestsInDir(dir)) {
                assertEquals(blob, Digests.sha256(dir.resolve(Digests.hex(blob))), "blob content matches its name");
            }
        }
    }

    @Test
    @Order(6)
    void containerdFetchesThroughHostsDirAndAppendsNs() {
        try (Containerd containerd = Containerd.start(); ContainerdHosts hosts = ContainerdHosts.create()) {
            hosts.mirror("docker.io", upstream.url());
            upstream.clearRequests();

            containerd.fetch("docker.io/library/harness-v2s2:1.0", hosts.dir(), null);
            Set<String> content = containerd.contentDigests();
            assertTrue(content.containsAll(v2s2.allDigests()), "content store " + content + " lacks " + v2s2.allDigests());

            List<RegistryRequest> seen = upstream.requests();
            String desc = UpstreamRegistry.describe(seen);
            // every request containerd sends to a mirror host carries ?ns=<registry host>
            assertTrue(seen.stream().allMatch(r -> r.path().endsWith("ns=docker.io")), desc);
            assertTrue(seen.stream().anyMatch(r -> r.is("HEAD", "/v2/library/harness-v2s2/manifests/1.0")
                    && r.status() == 200), "tag resolved with HEAD:\n" + desc);
            for (BlobRef blob : v2s2.blobs()) {
                String path = "/v2/library/harness-v2s2/blobs/" + blob.digest();
                assertEquals(1, seen.stream().filter(r -> r.is("GET", path) && r.status() == 200).count(),
                        "exactly one GET of " + path + ":\n" + desc);
            }

            System.out.println("upstream requests for containerd fetch:\n" + desc);

            // private image with credentials: containerd tries the OAuth2 POST first; 405 -> GET
            int postsBefore = tokens.rejectedPosts();
            containerd.fetch("docker.io/private/secret:5.0", hosts.dir(), ALICE);
            assertTrue(containerd.contentDigests().containsAll(privateImage.allDigests()));
            assertTrue(tokens.rejectedPosts() > postsBefore, "containerd POSTed to the token endpoint first");
            assertTrue(tokens.requests().stream().anyMatch(r -> r.account().equals(TokenServer.ALICE)
                    && r.granted().toString().contains("private/secret")), tokens.requests().toString());

            // multi-arch: --all-platforms pulls every child
            containerd.fetchAllPlatforms("docker.io/library/harness-list:4.0", hosts.dir(), null);
            assertTrue(containerd.contentDigests().containsAll(dockerList.allDigests()));

            containerd.reset();
            assertTrue(containerd.contentDigests().isEmpty());
        }
    }

    @Test
    @Order(7)
    void requestLogIsCompleteWhenRead() {
        upstream.clearRequests();
        assertEquals(List.of(), upstream.requests(), "nothing since clear");
        RegistryHttpClient alice = new RegistryHttpClient(upstream.url(), TokenServer.ALICE, TokenServer.ALICE_PASSWORD);
        BlobRef layer = oci.layers().get(0);
        RegistryHttpClient.Response blob = alice.getBlob(oci.repository(), layer.digest());
        assertEquals(200, blob.status());
        assertEquals(layer.digest(), Digests.sha256(blob.body()));
        // read immediately: the fence in requests() guarantees the line is there
        List<RegistryRequest> blobGets = upstream.requests("GET", "/v2/team/harness-oci/blobs/" + layer.digest());
        assertEquals(List.of(401, 200), blobGets.stream().map(RegistryRequest::status).toList());
    }

    @Test
    @Order(8)
    void basicAuthAndUnauthenticatedUpstreamsWork() {
        try (UpstreamRegistry basic = UpstreamRegistry.start(UpstreamRegistry.Auth.basic("bob", "bob-pw"));
             UpstreamRegistry open = UpstreamRegistry.start(UpstreamRegistry.Auth.none());
             ImageSeeder basicSeeder = new ImageSeeder(basic, skopeo);
             ImageSeeder openSeeder = new ImageSeeder(open, skopeo)) {
            SeededImage b = basicSeeder.seed(ImageKind.OCI, "x/basic", "1", 64 * KIB);
            assertFalse(skopeo.inspectRawResult(b.reference(), null).ok(), "basic upstream refuses anonymous");
            assertFalse(skopeo.inspectRawResult(b.reference(), "bob:wrong").ok());
            assertArrayEquals(b.manifestBytes(), skopeo.inspectRaw(b.reference(), "bob:bob-pw"));

            SeededImage o = openSeeder.seed(ImageKind.DOCKER_V2S2, "x/open", "1", 64 * KIB);
            assertArrayEquals(o.manifestBytes(), skopeo.inspectRaw(o.reference(), null));
            assertEquals(1, open.requests("PUT", "/v2/x/open/manifests/1").size(), UpstreamRegistry.describe(open.requests()));
        }
    }

    @Test
    @Order(9)
    void upstreamRestartsOnTheSamePortWithTheSameStorage() {
        int port = upstream.port();
        upstream.stop();
        assertFalse(upstream.isRunning());
        CommandResult offline = skopeo.inspectRawResult(v2s2.reference(), null);
        assertFalse(offline.ok(), "stopped upstream must not answer");
        assertTrue(offline.stderr().contains("connection refused"), offline.stderr());
        assertThrows(IllegalStateException.class,
                () -> new RegistryHttpClient(upstream.url()).getManifest(v2s2.repository(), "1.0"));

        upstream.clearRequests();
        upstream.start();
        assertEquals(port, upstream.port());
        assertArrayEquals(v2s2.manifestBytes(), skopeo.inspectRaw(v2s2.reference(), null));
        upstream.awaitRequests(
                l -> l.stream().anyMatch(r -> r.is("GET", "/v2/library/harness-v2s2/manifests/1.0") && r.status() == 200),
                java.time.Duration.ofSeconds(5));
    }
}
