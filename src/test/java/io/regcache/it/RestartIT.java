package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.it.support.ImageKind;
import io.regcache.it.support.ImageSeeder;
import io.regcache.it.support.PulledImage;
import io.regcache.it.support.RequiredTools;
import io.regcache.it.support.SeededImage;
import io.regcache.it.support.Skopeo;
import io.regcache.it.support.TokenServer;
import io.regcache.it.support.UpstreamRegistry;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything the mirror knows is on disk: after the web application is stopped and started again
 * on the same storage, with the upstream gone, a pulled image still pulls by digest, and
 * leftovers of unfinished downloads are cleared at start. The steps run in order, each checking
 * what it did.
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

    private static void pullByDigestAndCompare(URL url, Path dir) {
        skopeo.copyToDir("docker://" + url.getHost() + ":" + url.getPort() + "/keep@" + image.digest(), dir, null, true);
        PulledImage.assertManifestAndBlobs(dir, image);
    }

    /** Whether the mirror answers {@code GET /v2/} at {@code url}, as a registry does. */
    private static boolean mirrorAnswers(URL url) {
        HttpResponse<String> ping = MirrorHttp.get(url, "/v2/");
        return ping.statusCode() == 200 && ping.headers().firstValue("Docker-Distribution-API-Version").isPresent();
    }

    @Test
    @Order(1)
    void firstRun() {
        deployer.deploy(MIRROR);
        // its URL is known only from the next step on; its storage shows that it started
        assertTrue(Files.isDirectory(storage.resolve("blobs")) && Files.isDirectory(storage.resolve("tmp")),
                "the mirror did not set up its storage in " + storage);
    }

    @Test
    @Order(2)
    void pullsWhileTheUpstreamIsUp(@ArquillianResource @OperateOnDeployment(MIRROR) URL url, @TempDir Path dir) {
        pullByDigestAndCompare(url, dir);
    }

    @Test
    @Order(3)
    void stopTheMirrorAndTheUpstream(@ArquillianResource @OperateOnDeployment(MIRROR) URL url) throws Exception {
        deployer.undeploy(MIRROR);
        assertFalse(mirrorAnswers(url), "the mirror still answers after it was undeployed");
        upstream.stop();
        assertFalse(upstream.isRunning(), "the upstream is still running");
        // what a process killed mid-download leaves behind
        Files.writeString(storage.resolve("tmp").resolve("crashed-download.part"), "partial bytes");
        deployer.deploy(MIRROR);
        assertTrue(mirrorAnswers(url), "the mirror does not answer after it was deployed again");
    }

    @Test
    @Order(4)
    void afterTheRestartTheCacheServesAloneAndIsClean(@ArquillianResource @OperateOnDeployment(MIRROR) URL url,
                                                       @TempDir Path dir) {
        assertFalse(Files.exists(storage.resolve("tmp").resolve("crashed-download.part")), "temp file survived the start");
        pullByDigestAndCompare(url, dir);
    }

    @Test
    @Order(5)
    void lastRun(@ArquillianResource @OperateOnDeployment(MIRROR) URL url) {
        deployer.undeploy(MIRROR);
        assertFalse(mirrorAnswers(url), "the mirror still answers after it was undeployed");
    }
}
