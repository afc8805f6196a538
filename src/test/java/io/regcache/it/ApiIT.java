package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.it.support.FaultyUpstream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The /v2/ surface without any real upstream: the ping, the read-only rule, and input
 * validation — every bad request gets a 4xx with OCI error JSON and causes no upstream request
 * and no file.
 */
class ApiIT extends DeployedMirror {
    static final String SHA = "sha256:" + "a".repeat(64);
    static FaultyUpstream upstream;
    static Path storage;

    @RegisterExtension
    @Order(1)
    static final BeforeDeploy setup = BeforeDeploy.run(ApiIT::start);

    static void start() {
        upstream = setup.closeLater(FaultyUpstream.start());
        storage = setup.tempDir("api-storage");
        MirrorYaml.storage(storage).upstream("docker.io", upstream.url(), true).install();
    }

    private static void assertOciError(HttpResponse<String> r, int status, String code) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(null), r.body());
        assertTrue(r.body().startsWith("{\"errors\":[{\"code\":\"" + code + "\""), r.body());
        assertEquals("registry/2.0", r.headers().firstValue("Docker-Distribution-API-Version").orElse(null));
    }

    private long filesUnder(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void pingAnswersEmptyJsonWithTheApiVersion() {
        for (String path : List.of("/v2/", "/v2")) {
            var r = MirrorHttp.get(mirror, path);
            assertEquals(200, r.statusCode());
            assertEquals("{}", r.body());
            assertEquals("registry/2.0", r.headers().firstValue("Docker-Distribution-API-Version").orElse(null));
        }
    }

    @Test
    void everyWriteIsUnsupported() {
        upstream.clear();
        String[][] writes = {
                {"PUT", "/v2/library/alpine/manifests/latest"},
                {"DELETE", "/v2/library/alpine/manifests/" + SHA},
                {"POST", "/v2/library/alpine/blobs/uploads/"},
                {"PATCH", "/v2/library/alpine/blobs/uploads/0a1b2c"},
                {"PUT", "/v2/library/alpine/blobs/uploads/0a1b2c?digest=" + SHA},
                {"DELETE", "/v2/library/alpine/blobs/" + SHA},
        };
        for (String[] w : writes) {
            assertOciError(MirrorHttp.request(mirror, w[0], w[1]), 405, "UNSUPPORTED");
        }
        assertEquals(List.of(), upstream.requests());
    }

    @Test
    void malformedNamesReferencesAndDigestsAreRefusedBeforeAnyWork() throws Exception {
        upstream.clear();
        long before = filesUnder(storage);
        String[][] cases = {
                {"/v2/Library/alpine/manifests/latest", "NAME_INVALID"},
                {"/v2/library/al%20pine/manifests/latest", "NAME_INVALID"},
                {"/v2/" + "a".repeat(300) + "/manifests/latest", "NAME_INVALID"},
                {"/v2/library/alpine/manifests/-latest", "MANIFEST_INVALID"},
                {"/v2/library/alpine/manifests/" + "t".repeat(129), "MANIFEST_INVALID"},
                {"/v2/library/alpine/manifests/sha256:abc", "DIGEST_INVALID"},
                {"/v2/library/alpine/manifests/md5:" + "a".repeat(32), "DIGEST_INVALID"},
                {"/v2/library/alpine/blobs/sha256:" + "A".repeat(64), "DIGEST_INVALID"},
                {"/v2/library/alpine/blobs/latest", "DIGEST_INVALID"},
                {"/v2/library/alpine/blobs/sha256:....etc.passwd", "DIGEST_INVALID"},
                {"/v2/library/alpine/tags/list?n=abc", "PAGINATION_NUMBER_INVALID"},
                {"/v2/library/alpine/tags/list?n=100000000", "PAGINATION_NUMBER_INVALID"},
                {"/v2/library/alpine/tags/list?n=-1", "PAGINATION_NUMBER_INVALID"},
                {"/v2/library/alpine/tags/list?last=..%2Fx", "TAG_INVALID"},
                {"/v2/library/alpine/manifests/latest?ns=..%2F..", "NAME_INVALID"},
        };
        for (String[] c : cases) {
            assertOciError(MirrorHttp.get(mirror, c[0]), 400, c[1]);
        }
        var badRange = MirrorHttp.get(mirror, "/v2/library/alpine/blobs/" + SHA, "Range", "bytes=oops");
        assertOciError(badRange, 400, "RANGE_INVALID");
        assertEquals(List.of(), upstream.requests(), "bad input reached the upstream");
        assertEquals(before, filesUnder(storage), "bad input created files");
    }

    @Test
    void traversalAttemptsNeverReachTheDisk() throws Exception {
        upstream.clear();
        long before = filesUnder(storage);
        for (String path : List.of(
                "/v2/..%2F..%2Fetc/manifests/latest",
                "/v2/%2e%2e/%2e%2e/etc/manifests/latest",
                "/v2/library/..%5C..%5Cetc/manifests/latest",
                "/v2/library/alpine/manifests/..%2F..%2Fpasswd",
                "/v2/%2Fetc%2Fpasswd/manifests/latest",
                "/v2/library//alpine/manifests/latest",
                "/v2/library/a%5Cb/manifests/latest",
                "/v2/library/alpine/blobs/sha256:..%2F..%2Fetc%2Fpasswd")) { // the container itself refuses some of these
            var r = MirrorHttp.get(mirror, path);
            assertTrue(r.statusCode() == 400 || r.statusCode() == 404, path + " -> " + r.statusCode() + " " + r.body());
        }
        assertEquals(List.of(), upstream.requests());
        assertEquals(before, filesUnder(storage));
    }

    @Test
    void unknownEndpointsAreNotFoundInOciForm() {
        assertOciError(MirrorHttp.get(mirror, "/v2/_catalog"), 404, "NAME_UNKNOWN");
        assertOciError(MirrorHttp.get(mirror, "/v2/library/alpine/whatever/else"), 404, "NAME_UNKNOWN");
    }

    @Test
    void errorsTheContainerProducesAreOciJsonToo() {
        assertOciError(MirrorHttp.get(mirror, "/no-such-page"), 404, "NAME_UNKNOWN");
    }

    @Test
    void unknownContentUpstreamIsNotFound() {
        assertOciError(MirrorHttp.get(mirror, "/v2/library/alpine/manifests/latest"), 404, "MANIFEST_UNKNOWN");
        assertOciError(MirrorHttp.get(mirror, "/v2/library/alpine/blobs/" + SHA), 404, "BLOB_UNKNOWN");
    }
}
