package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.it.support.BlobRef;
import io.regcache.it.support.Closer;
import io.regcache.it.support.Digests;
import io.regcache.it.support.ForkedMirror;
import io.regcache.it.support.FreePort;
import io.regcache.it.support.ImageKind;
import io.regcache.it.support.ImageSeeder;
import io.regcache.it.support.LogFiles;
import io.regcache.it.support.MediaTypes;
import io.regcache.it.support.PulledImage;
import io.regcache.it.support.RegistryRequest;
import io.regcache.it.support.RequiredTools;
import io.regcache.it.support.SeededImage;
import io.regcache.it.support.Skopeo;
import io.regcache.it.support.UpstreamRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the repository's {@code jetty-base/} on a real jetty-home (unpacked by the build into
 * {@code target/jetty-home}) the way users start it, as a child process, and pulls
 * through it: proves that the base deploys the WAR built by {@code package} at "/", logs requests,
 * honours X-Forwarded-* and never compresses what clients verify by digest.
 *
 * <p>Jetty runs as a {@link ForkedMirror}, from a temp working directory with the base given as an
 * absolute path; the mirror's configuration, its storage, the request log
 * ({@code jetty.requestlog.dir}) and Jetty's temp dir (the extracted WAR) all live in that temp
 * dir, so the source tree is left untouched.
 */
@Standalone
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JettyBaseIT {
    private static final String REPOSITORY = "it/jetty-base";
    private static final String TAG = "1";

    private static final Closer resources = new Closer();
    private static LogFiles requestLog;
    private static Skopeo skopeo;
    private static SeededImage image;
    private static ForkedMirror jetty;

    @BeforeAll
    static void startJettyBase() {
        RequiredTools.require("docker-registry", "skopeo");
        ForkedMirror.requireBuild();
        Path dir = resources.tempDir("jetty-base");
        UpstreamRegistry upstream = resources.add(UpstreamRegistry.start(UpstreamRegistry.Auth.none()));
        skopeo = resources.add(new Skopeo());
        ImageSeeder seeder = resources.add(new ImageSeeder(upstream, skopeo));
        image = seeder.seed(ImageKind.OCI, REPOSITORY, TAG, 300_000);

        Path config = MirrorYaml.storage(dir.resolve("storage")).upstream("docker.io", upstream.url(), true)
                .writeTo(dir.resolve("mirror.yml"));
        jetty = resources.add(ForkedMirror.start(dir, config, FreePort.find(), "jetty"));
        requestLog = new LogFiles(jetty.requestLogDir(), name -> name.endsWith(".request.log"));
    }

    @AfterAll
    static void tearDown() throws Exception {
        resources.close();
    }

    @Test
    @Order(1)
    void pingAnswersLikeARegistryWithoutNamingTheServer() {
        HttpResponse<String> r = MirrorHttp.get(jetty.url(), "/v2/");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("registry/2.0", r.headers().firstValue("Docker-Distribution-API-Version").orElse(null));
        assertNull(r.headers().firstValue("Server").orElse(null), "jetty.httpConfig.sendServerVersion=false");
    }

    @Test
    @Order(2)
    void skopeoPullsTheImageThroughTheJettyBase(@TempDir Path pulled) {
        skopeo.copyToDir("docker://" + jetty.hostPort() + "/" + REPOSITORY + ":" + TAG, pulled, null, false);
        PulledImage.assertManifestAndBlobs(pulled, image);
    }

    @Test
    @Order(3)
    void nothingIsCompressedEvenWhenTheClientAcceptsGzip() {
        // the config is small JSON, the layer a binary blob: gzip-able content of both kinds
        for (BlobRef blob : image.blobs()) {
            HttpResponse<byte[]> r = MirrorHttp.getBytes(jetty.url(), "/v2/" + REPOSITORY + "/blobs/" + blob.digest(),
                    "Accept-Encoding", "gzip, deflate, br, zstd");
            assertEquals(200, r.statusCode());
            assertNull(r.headers().firstValue("Content-Encoding").orElse(null), "blob " + blob + " was encoded");
            assertEquals(blob.size(), r.body().length, "blob " + blob.digest());
            assertEquals(blob.digest(), Digests.sha256(r.body()));
        }
        HttpResponse<byte[]> m = MirrorHttp.getBytes(jetty.url(), "/v2/" + REPOSITORY + "/manifests/" + TAG,
                "Accept", String.join(", ", MediaTypes.ALL_MANIFESTS), "Accept-Encoding", "gzip");
        assertEquals(200, m.statusCode());
        assertNull(m.headers().firstValue("Content-Encoding").orElse(null), "manifest was encoded");
        assertArrayEquals(image.manifestBytes(), m.body());
    }

    @Test
    @Order(4)
    void forwardedHeadersAreLoggedButBelievedOnlyFromTrustedProxies() {
        String[] proxy = {"X-Forwarded-Proto", "https", "X-Forwarded-Host", "registry.example.test",
            "X-Forwarded-Port", "443", "X-Forwarded-For", "203.0.113.7"};
        HttpResponse<String> ping = MirrorHttp.get(jetty.url(), "/v2/", proxy);
        assertEquals(200, ping.statusCode(), ping.body());
        assertEquals("registry/2.0", ping.headers().firstValue("Docker-Distribution-API-Version").orElse(null));

        List<String> headers = new ArrayList<>(List.of(proxy));
        headers.addAll(List.of("Accept", String.join(", ", MediaTypes.ALL_MANIFESTS)));
        HttpResponse<byte[]> m = MirrorHttp.getBytes(jetty.url(), "/v2/" + REPOSITORY + "/manifests/" + TAG,
                headers.toArray(String[]::new));
        assertEquals(200, m.statusCode());
        assertArrayEquals(image.manifestBytes(), m.body());
        assertEquals(image.digest(), m.headers().firstValue("Docker-Content-Digest").orElse(null));

        // Jetty itself believes no forwarded header (no "forwarded" module): the log names the peer,
        // and records the chain a proxy sent as a field of its own
        requestLog.await(lines -> lines.stream().anyMatch(l -> l.startsWith("127.0.0.1 ")
                && l.contains("\"GET /v2/" + REPOSITORY + "/manifests/" + TAG + " HTTP/1.1\" 200 ")
                && l.contains(" \"203.0.113.7\" ")));
    }

    @Test
    @Order(5)
    void everyRequestIsInTheRequestLogInCombinedFormat() {
        String manifestPath = "/v2/" + REPOSITORY + "/manifests/" + TAG;
        String layerPath = "/v2/" + REPOSITORY + "/blobs/" + image.layers().get(0).digest();
        List<String> lines = requestLog.await(all -> {
            List<RegistryRequest> parsed = all.stream().map(RegistryRequest::parse).filter(r -> r != null).toList();
            return parsed.stream().anyMatch(r -> r.is("GET", "/v2/") && r.status() == 200)
                    && parsed.stream().anyMatch(r -> r.is("GET", manifestPath) && r.status() == 200)
                    && parsed.stream().anyMatch(r -> r.is("GET", layerPath) && r.status() == 200
                            && r.bytes() == image.layers().get(0).size());
        });
        for (String line : lines) {
            assertTrue(RegistryRequest.parse(line) != null, "not a combined-format line: " + line);
        }
        // the cache's outcome ends each line: HIT, MISS or STALE for manifests and blobs
        assertTrue(lines.stream().anyMatch(l -> l.contains(layerPath) && l.matches(".* (HIT|MISS)$")),
                "no cache outcome on the layer's line: " + lines);
        assertTrue(lines.stream().filter(l -> l.contains("\"GET /v2/ HTTP")).allMatch(l -> l.endsWith(" -")),
                "the ping has no cache outcome: " + lines);
        // this test writes its log elsewhere; in normal use Jetty writes to jetty-base/logs and
        // refuses to start when that directory is missing
        Path baseLogs = ForkedMirror.jettyBase().resolve("logs");
        assertTrue(Files.isDirectory(baseLogs), baseLogs + " must exist");
    }

}
