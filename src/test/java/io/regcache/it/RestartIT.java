package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.regcache.it.support.BlobRef;
import io.regcache.it.support.ImageKind;
import io.regcache.it.support.ImageSeeder;
import io.regcache.it.support.RequiredTools;
import io.regcache.it.support.SeededImage;
import io.regcache.it.support.Skopeo;
import io.regcache.it.support.TempDirs;
import io.regcache.it.support.TokenServer;
import io.regcache.it.support.UpstreamRegistry;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Everything the mirror knows is on disk: after the web application is stopped and started again
 * on the same storage, with the upstream gone, a pulled image still pulls by digest, and
 * leftovers of unfinished downloads are cleared at start. The steps run in order.
 */
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestartIT {
    static final String MIRROR = "mirror";
    static UpstreamRegistry upstream;
    static Skopeo skopeo;
    static SeededImage image;
    static Path storage;

    @RegisterExtension
    @Order(1)
    static final BeforeDeploy setup = BeforeDeploy.run(RestartIT::start);

    @RegisterExtension
    @Order(2)
    static final ArquillianExtension arquillian = new ArquillianExtension();

    @ArquillianResource
    Deployer deployer;

    static void start() {
        RequiredTools.require("docker-registry", "skopeo");
        TokenServer tokens = setup.closeLater(TokenServer.start());
        upstream = setup.closeLater(UpstreamRegistry.start(UpstreamRegistry.Auth.token(tokens)));
        skopeo = setup.closeLater(new Skopeo());
        image = setup.closeLater(new ImageSeeder(upstream, skopeo)).seed(ImageKind.OCI_INDEX, "library/keep", "1", 500_000);
        storage = setup.tempDir("restart-storage");
        MirrorYaml.storage(storage).upstream("docker.io", upstream.url(), true).install();
    }

    @Deployment(name = MIRROR, managed = false, testable = false)
    static WebArchive war() {
        return MirrorWar.packaged();
    }

    private static void pullByDigestAndCompare(URL url) throws Exception {
        Path dir = TempDirs.create("restart-pull");
        try {
            skopeo.copyToDir("docker://" + url.getHost() + ":" + url.getPort() + "/keep@" + image.digest(), dir, null, true);
            assertArrayEquals(image.manifestBytes(), Files.readAllBytes(dir.resolve("manifest.json")));
            assertEquals(image.blobs().stream().map(BlobRef::digest).collect(Collectors.toSet()), Skopeo.blobDigestsInDir(dir));
        } finally {
            TempDirs.deleteQuietly(dir);
        }
    }

    @Test
    @Order(1)
    void firstRun() {
        deployer.deploy(MIRROR);
    }

    @Test
    @Order(2)
    void pullsWhileTheUpstreamIsUp(@ArquillianResource @OperateOnDeployment(MIRROR) URL url) throws Exception {
        pullByDigestAndCompare(url);
    }

    @Test
    @Order(3)
    void stopTheMirrorAndTheUpstream() throws Exception {
        deployer.undeploy(MIRROR);
        upstream.stop();
        // what a process killed mid-download leaves behind
        Files.writeString(storage.resolve("tmp").resolve("crashed-download.part"), "partial bytes");
        deployer.deploy(MIRROR);
    }

    @Test
    @Order(4)
    void afterTheRestartTheCacheServesAloneAndIsClean(@ArquillianResource @OperateOnDeployment(MIRROR) URL url) throws Exception {
        assertFalse(Files.exists(storage.resolve("tmp").resolve("crashed-download.part")), "temp file survived the start");
        pullByDigestAndCompare(url);
    }

    @Test
    @Order(5)
    void lastRun() {
        deployer.undeploy(MIRROR);
    }
}
