package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.regcache.it.support.FaultyUpstream;
import io.regcache.oci.Digest;
import io.regcache.oci.MediaTypes;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With a tag window, a tag resolved within it is served without asking the upstream at all. */
@RunAsClient
class TagWindowIT {
    static FaultyUpstream upstream;

    @RegisterExtension
    @Order(1)
    static final BeforeDeploy setup = BeforeDeploy.run(TagWindowIT::start);

    @RegisterExtension
    @Order(2)
    static final ArquillianExtension arquillian = new ArquillianExtension();

    @ArquillianResource
    URL mirror;

    static void start() {
        upstream = setup.closeLater(FaultyUpstream.start());
        MirrorYaml.storage(setup.tempDir("window-storage"))
                .upstream("docker.io", upstream.url(), true)
                .with("proxy:\n  tagwindow: 1h")
                .install();
    }

    @Deployment(name = "TagWindowIT", testable = false)
    static WebArchive war() {
        return MirrorWar.packaged();
    }

    @Test
    void aTagResolvedWithinTheWindowIsNotCheckedAgain() {
        byte[] manifest = CacheSemanticsIT.manifestBytes("window");
        String path = "/v2/win/app/manifests/1";
        upstream.on(path, FaultyUpstream.manifest(manifest, MediaTypes.OCI_MANIFEST));

        var first = MirrorHttp.get(mirror, path);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("MISS", first.headers().firstValue("X-Cache").orElse(null));
        upstream.clear();
        for (int i = 0; i < 5; i++) {
            var again = MirrorHttp.get(mirror, path);
            assertEquals("HIT", again.headers().firstValue("X-Cache").orElse(null));
            assertEquals(Digest.sha256(manifest).toString(), again.headers().firstValue("Docker-Content-Digest").orElse(null));
            assertEquals("HIT", MirrorHttp.request(mirror, "HEAD", path).headers().firstValue("X-Cache").orElse(null));
        }
        assertEquals(0, upstream.requests().size(), upstream.requests().toString());
    }
}
