package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.it.support.Containerd;
import io.regcache.it.support.ContainerdHosts;
import io.regcache.it.support.FreePort;
import io.regcache.it.support.ImageKind;
import io.regcache.it.support.ImageSeeder;
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
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One mirror, several upstreams: docker.io (token auth), ghcr.io (Basic auth with the mirror's
 * account) and a default that is unreachable, so that nothing works unless a request is routed
 * by containerd's {@code ?ns=} or by the registry host in the path.
 */
class MultiUpstreamIT extends DeployedMirror {
    static final String GHCR_USER = "mirror";
    static final String GHCR_PASSWORD = "mirror-pass";
    static UpstreamRegistry hub;
    static UpstreamRegistry ghcr;
    static Skopeo skopeo;
    static Containerd containerd;
    static SeededImage hubImage;
    static SeededImage ghcrImage;

    @RegisterExtension
    @Order(1)
    static final BeforeDeploy setup = BeforeDeploy.run(MultiUpstreamIT::start);

    static void start() {
        RequiredTools.require("docker-registry", "skopeo", "containerd", "ctr");
        TokenServer tokens = setup.closeLater(TokenServer.start());
        hub = setup.closeLater(UpstreamRegistry.start(UpstreamRegistry.Auth.token(tokens)));
        ghcr = setup.closeLater(UpstreamRegistry.start(UpstreamRegistry.Auth.basic(GHCR_USER, GHCR_PASSWORD)));
        skopeo = setup.closeLater(new Skopeo());
        hubImage = setup.closeLater(new ImageSeeder(hub, skopeo)).seed(ImageKind.OCI_INDEX, "library/app", "1", 300_000);
        ghcrImage = setup.closeLater(new ImageSeeder(ghcr.hostPort(), GHCR_USER + ":" + GHCR_PASSWORD, skopeo))
                .seed(ImageKind.DOCKER_V2S2, "owner/tool", "2", 200_000);
        containerd = setup.closeLater(Containerd.start());
        Path storage = setup.tempDir("multi-storage");
        MirrorYaml.storage(storage)
                .upstream("quay.io", "http://127.0.0.1:" + FreePort.find(), true) // nothing listens there
                .upstream("docker.io", hub.url(), false)
                .upstream("ghcr.io", ghcr.url(), GHCR_USER, GHCR_PASSWORD, false)
                .install();
    }

    @Test
    void containerdPullsEachRegistryThroughTheMirrorByNs() {
        try (ContainerdHosts hosts = ContainerdHosts.create().mirror("docker.io", "http://" + mirrorHost()).mirror("ghcr.io", "http://" + mirrorHost())) {
            containerd.reset();
            hub.clearRequests();
            ghcr.clearRequests();
            // each fetch throws unless it succeeds
            containerd.fetchAllPlatforms("docker.io/library/app:1", hosts.dir(), null);
            // ghcr.io needs the mirror's account: only a registry-private user gets it
            containerd.fetch("ghcr.io/owner/tool:2", hosts.dir(), RealmUsers.INSIDER);

            Set<String> content = containerd.contentDigests();
            assertTrue(content.containsAll(hubImage.allDigests()), "missing docker.io content: " + content);
            assertTrue(content.containsAll(ghcrImage.allDigests()), "missing ghcr.io content: " + content);
            // each upstream saw only its own repository
            List<RegistryRequest> hubSaw = hub.requests();
            List<RegistryRequest> ghcrSaw = ghcr.requests();
            assertTrue(hubSaw.stream().allMatch(r -> r.pathOnly().startsWith("/v2/library/app/") || r.pathOnly().equals("/v2/")),
                    UpstreamRegistry.describe(hubSaw));
            assertTrue(ghcrSaw.stream().allMatch(r -> r.pathOnly().startsWith("/v2/owner/tool/") || r.pathOnly().equals("/v2/")),
                    UpstreamRegistry.describe(ghcrSaw));
            // (other tests may have cached the content already; the tag is checked upstream in any case)
            assertTrue(hubSaw.stream().anyMatch(r -> r.is("HEAD", "/v2/library/app/manifests/1")), UpstreamRegistry.describe(hubSaw));
            assertTrue(ghcrSaw.stream().anyMatch(r -> r.is("HEAD", "/v2/owner/tool/manifests/2")), UpstreamRegistry.describe(ghcrSaw));
        }
    }

    @Test
    void theRegistryHostInThePathSelectsTheUpstream(@TempDir Path tmp) throws Exception {
        String host = mirrorHost();
        for (SeededImage image : List.of(ghcrImage, hubImage)) {
            String registry = image == ghcrImage ? "ghcr.io" : "docker.io";
            Path dir = tmp.resolve(registry);
            skopeo.copyToDir("docker://" + host + "/" + registry + "/" + image.repository() + ":" + image.tag(), dir,
                    image == ghcrImage ? RealmUsers.INSIDER : null, image.isIndex());
            assertArrayEquals(image.manifestBytes(), Files.readAllBytes(dir.resolve("manifest.json")));
        }
    }

    @Test
    void nsAndPlainPathsAreRoutedAsConfigured() {
        var byNs = MirrorHttp.get(mirror, "/v2/owner/tool/manifests/2?ns=ghcr.io", "Authorization", RealmUsers.basic(RealmUsers.INSIDER));
        assertEquals(200, byNs.statusCode(), byNs.body());
        assertEquals(ghcrImage.digest(), byNs.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals("ghcr.io", byNs.headers().firstValue("OCI-Namespace").orElseThrow());

        // Docker Hub rules apply under ns=docker.io: "app" is library/app
        var official = MirrorHttp.get(mirror, "/v2/app/manifests/1?ns=docker.io");
        assertEquals(200, official.statusCode(), official.body());
        assertEquals(hubImage.digest(), official.headers().firstValue("Docker-Content-Digest").orElseThrow());
        // legacy Hub host names are the same registry
        var alias = MirrorHttp.get(mirror, "/v2/library/app/manifests/1?ns=index.docker.io");
        assertEquals(hubImage.digest(), alias.headers().firstValue("Docker-Content-Digest").orElseThrow());

        // a plain path goes to the default upstream, which is down here
        var plain = MirrorHttp.get(mirror, "/v2/owner/tool/manifests/2", "Authorization", RealmUsers.basic(RealmUsers.INSIDER));
        assertEquals(503, plain.statusCode(), plain.body());

        var unknown = MirrorHttp.get(mirror, "/v2/owner/tool/manifests/2?ns=registry.example.com",
                "Authorization", RealmUsers.basic(RealmUsers.INSIDER));
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("NAME_UNKNOWN"), unknown.body());
        var malformed = MirrorHttp.get(mirror, "/v2/owner/tool/manifests/2?ns=evil%0d%0aX-Injected:%201");
        assertEquals(400, malformed.statusCode(), malformed.body());
        assertTrue(malformed.headers().firstValue("X-Injected").isEmpty());
    }
}
