package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.regcache.it.support.FakeImage;
import io.regcache.it.support.FaultyUpstream;
import io.regcache.it.support.MediaTypes;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With a tag window, a tag resolved within it is served without asking the upstream at all. */
class TagWindowIT extends DeployedMirror {
    static FaultyUpstream upstream;

    @RegisterExtension
    @Order(1)
    static final BeforeDeploy setup = BeforeDeploy.run(TagWindowIT::start);

    static void start() {
        upstream = setup.closeLater(FaultyUpstream.start());
        MirrorYaml.storage(setup.tempDir("window-storage"))
                .upstream("docker.io", upstream.url(), true)
                .with("proxy:\n  tagwindow: 1h")
                .install();
    }

    @Test
    void aTagResolvedWithinTheWindowIsNotCheckedAgain() {
        FakeImage image = FakeImage.named("window");
        String path = "/v2/win/app/manifests/1";
        upstream.on(path, FaultyUpstream.manifest(image.manifest(), MediaTypes.OCI_MANIFEST));

        var first = MirrorHttp.get(mirror, path);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("MISS", first.headers().firstValue("X-Cache").orElse(null));
        upstream.clear();
        for (int i = 0; i < 5; i++) {
            var again = MirrorHttp.get(mirror, path);
            assertEquals("HIT", again.headers().firstValue("X-Cache").orElse(null));
            assertEquals(image.digest(), again.headers().firstValue("Docker-Content-Digest").orElse(null));
            assertEquals("HIT", MirrorHttp.request(mirror, "HEAD", path).headers().firstValue("X-Cache").orElse(null));
        }
        assertEquals(0, upstream.requests().size(), upstream.requests().toString());
    }
}
