package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regcache.it.support.BlobRef;
import io.regcache.it.support.CommandResult;
import io.regcache.it.support.Containerd;
import io.regcache.it.support.ContainerdHosts;
import io.regcache.it.support.ImageKind;
import io.regcache.it.support.ImageSeeder;
import io.regcache.it.support.PulledImage;
import io.regcache.it.support.RequiredTools;
import io.regcache.it.support.SeededImage;
import io.regcache.it.support.Skopeo;
import io.regcache.it.support.TokenServer;
import io.regcache.it.support.UpstreamRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mirror holding an upstream account (alice's, which alone can read {@code private/*} at the
 * token-auth upstream) with anonymous pulls of public content allowed: anonymous clients get
 * exactly what the upstream serves anonymously, whatever they try; realm users with
 * registry-private get the account's view with skopeo and containerd; bad passwords are refused
 * and throttled; the upstream password never shows in a log.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT extends DeployedMirror {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> LOG_LINES = new ArrayList<>();
    static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (LOG_LINES) {
                LOG_LINES.add(r.getLoggerName() + " " + r.getMessage() + " " + (r.getThrown() == null ? "" : r.getThrown()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    static TokenServer tokens;
    static UpstreamRegistry upstream;
    static Skopeo skopeo;
    static Containerd containerd;
    static SeededImage publicImage;
    static SeededImage privateImage;

    @RegisterExtension
    @org.junit.jupiter.api.Order(1)
    static final BeforeDeploy setup = BeforeDeploy.run(SecurityIT::start);

    static void start() {
        RequiredTools.require("docker-registry", "skopeo", "containerd", "ctr");
        Logger.getLogger("").addHandler(CAPTURE);
        tokens = setup.closeLater(TokenServer.start());
        upstream = setup.closeLater(UpstreamRegistry.start(UpstreamRegistry.Auth.token(tokens)));
        skopeo = setup.closeLater(new Skopeo());
        containerd = setup.closeLater(Containerd.start());
        ImageSeeder seeder = setup.closeLater(new ImageSeeder(upstream, skopeo));
        publicImage = seeder.seed(ImageKind.OCI, "library/open", "1", 200_000);
        privateImage = seeder.seed(ImageKind.OCI, "private/secret", "1", 300_000);
        MirrorYaml.storage(setup.tempDir("security-storage"))
                .upstream("docker.io", upstream.url(), TokenServer.ALICE, TokenServer.ALICE_PASSWORD, true)
                .with("security:\n  lockoutattempts: 5\n  lockoutwindow: 1m\n  lockoutduration: 1m")
                .install();
    }

    @AfterAll
    static void stopCapture() {
        Logger.getLogger("").removeHandler(CAPTURE);
    }

    private CommandResult skopeoPull(String ref, String creds, Path dir) {
        return skopeo.copyToDirAllowingFailure(mirrorHost() + "/" + ref, dir, creds, false);
    }

    private HttpResponse<String> get(String path, String authorization) {
        return authorization == null ? MirrorHttp.get(mirror, path) : MirrorHttp.get(mirror, path, "Authorization", authorization);
    }

    /** Every way an anonymous client could reach the private image: all must fail. */
    private void assertAnonymousCannotReachThePrivateImage(String when, Path dir) {
        BlobRef layer = privateImage.layers().get(0);
        List<String> paths = List.of(
                "/v2/private/secret/manifests/1",
                "/v2/private/secret/manifests/" + privateImage.digest(),
                "/v2/private/secret/blobs/" + layer.digest(),
                "/v2/private/secret/blobs/" + privateImage.config().digest(),
                // under a public repository's name: a digest learned elsewhere opens nothing
                "/v2/library/open/manifests/" + privateImage.digest(),
                "/v2/library/open/blobs/" + layer.digest());
        for (String path : paths) {
            for (String method : List.of("GET", "HEAD")) {
                HttpResponse<String> r = MirrorHttp.request(mirror, method, path);
                assertTrue(r.statusCode() == 401 || r.statusCode() == 404, when + ": " + method + " " + path + " -> " + r.statusCode() + " " + r.body());
                assertFalse(r.headers().firstValue("Docker-Content-Digest").isPresent(), when + ": " + method + " " + path + " leaked a digest");
                assertFalse(r.body().contains(privateImage.manifestText().substring(0, 40)), when + ": " + path + " leaked the manifest");
            }
        }
        CommandResult anon = skopeoPull("private/secret:1", null, dir);
        assertFalse(anon.ok(), when + ": skopeo pulled the private image anonymously");
        assertTrue(anon.stderr().contains("unauthorized") || anon.stderr().contains("authentication required"), anon.stderr());
    }

    @Test
    @Order(1)
    void thePingAsksForCredentialsTheWayDockerHubDoes() {
        HttpResponse<String> ping = get("/v2/", null);
        assertEquals(401, ping.statusCode());
        String challenge = ping.headers().firstValue("WWW-Authenticate").orElse("");
        assertTrue(challenge.startsWith("Bearer realm=\"http://" + mirrorHost() + "/token\""), challenge);
        assertTrue(challenge.contains("service=\"regcache\""), challenge);
        assertEquals("application/json", ping.headers().firstValue("Content-Type").orElse(null));
        assertTrue(ping.body().contains("\"UNAUTHORIZED\""), ping.body());
        assertEquals("registry/2.0", ping.headers().firstValue("Docker-Distribution-API-Version").orElse(null));
        assertEquals(200, get("/v2/", RealmUsers.basic(RealmUsers.INSIDER)).statusCode());
    }

    @Test
    @Order(2)
    void anonymousClientsPullPublicContent(@TempDir Path dir) throws Exception {
        CommandResult r = skopeoPull("open:1", null, dir);
        assertTrue(r.ok(), r.describe());
        assertArrayEquals(publicImage.manifestBytes(), Files.readAllBytes(dir.resolve("manifest.json")));
    }

    @Test
    @Order(3)
    void anonymousClientsCannotReachPrivateContentCold(@TempDir Path dir) {
        assertAnonymousCannotReachThePrivateImage("cold", dir);
    }

    @Test
    @Order(4)
    void aRegistryPrivateUserPullsItWithSkopeoAndContainerd(@TempDir Path dir) {
        CommandResult r = skopeoPull("private/secret:1", RealmUsers.INSIDER, dir);
        assertTrue(r.ok(), r.describe());
        PulledImage.assertManifestAndBlobs(dir, privateImage);
        try (ContainerdHosts hosts = ContainerdHosts.create().mirror("docker.io", "http://" + mirrorHost())) {
            containerd.reset();
            containerd.fetch("docker.io/private/secret:1", hosts.dir(), RealmUsers.INSIDER); // throws unless it succeeds
            assertTrue(containerd.contentDigests().containsAll(privateImage.allDigests()), containerd.contentDigests().toString());
            containerd.reset();
            CommandResult anonymous = containerd.fetchAllowingFailure("docker.io/private/secret:1", hosts.dir(), null, false);
            assertFalse(anonymous.ok(), "containerd fetched the private image anonymously");
        }
    }

    @Test
    @Order(5)
    void anonymousClientsCannotReachPrivateContentOnceCachedEither(@TempDir Path dir) {
        assertAnonymousCannotReachThePrivateImage("after an entitled user cached it", dir);
    }

    @Test
    @Order(6)
    void aUserWithoutRegistryPrivateIsDeniedPrivateContent() {
        HttpResponse<String> r = get("/v2/private/secret/manifests/1", RealmUsers.basic(RealmUsers.PULLER));
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"DENIED\""), r.body());
        assertEquals(200, get("/v2/library/open/manifests/1", RealmUsers.basic(RealmUsers.PULLER)).statusCode());
    }

    @Test
    @Order(7)
    void theTokenEndpointAnswersLikeDockerHubs() throws Exception {
        HttpResponse<String> anon = get("/token?service=regcache&scope=repository:library/open:pull", null);
        assertEquals(200, anon.statusCode(), anon.body());
        JsonNode body = JSON.readTree(anon.body());
        assertEquals(body.get("token").asText(), body.get("access_token").asText());
        assertTrue(body.get("expires_in").asLong() >= 60, anon.body());
        assertTrue(body.hasNonNull("issued_at"));
        String token = body.get("token").asText();
        assertEquals(200, get("/v2/library/open/manifests/1", "Bearer " + token).statusCode());
        // a token covers the repositories it was issued for, no others
        HttpResponse<String> other = get("/v2/private/secret/manifests/1", "Bearer " + token);
        assertEquals(401, other.statusCode());
        assertTrue(other.headers().firstValue("WWW-Authenticate").orElse("").contains("insufficient_scope"));
        // an entitled user's token carries the entitlement
        HttpResponse<String> insider = get("/token?service=regcache&scope=repository:private/secret:pull&account=insider",
                RealmUsers.basic(RealmUsers.INSIDER));
        String insiderToken = JSON.readTree(insider.body()).get("token").asText();
        assertEquals(200, get("/v2/private/secret/manifests/1", "Bearer " + insiderToken).statusCode());
        // a forged or tampered token is refused
        String tampered = insiderToken.substring(0, insiderToken.length() - 3) + "abc";
        assertEquals(401, get("/v2/private/secret/manifests/1", "Bearer " + tampered).statusCode());
        // containerd's OAuth2 form
        HttpResponse<String> form = MirrorHttp.post(mirror, "/token", "application/x-www-form-urlencoded",
                "grant_type=password&username=insider&password=insider-pass"
                        + "&service=regcache&client_id=test&scope=repository%3Aprivate%2Fsecret%3Apull");
        assertEquals(200, form.statusCode(), form.body());
        assertTrue(JSON.readTree(form.body()).hasNonNull("access_token"));
        HttpResponse<String> refresh = MirrorHttp.post(mirror, "/token", "application/x-www-form-urlencoded",
                "grant_type=refresh_token&refresh_token=x&service=regcache");
        assertEquals(400, refresh.statusCode(), "containerd falls back to GET on 400");
    }

    @Test
    @Order(8)
    void wrongPasswordsAreRefusedAndThrottled(@TempDir Path dir) {
        assertFalse(skopeoPull("private/secret:1", "insider:not-the-password", dir).ok(), "a wrong password pulled");
        int refused = 0;
        int throttled = 0;
        for (int i = 0; i < 8; i++) {
            int status = get("/token?service=regcache", RealmUsers.basic("insider:guess-" + i)).statusCode();
            refused += status == 401 ? 1 : 0;
            throttled += status == 429 ? 1 : 0;
        }
        assertTrue(refused >= 1 && throttled >= 1, "refused " + refused + ", throttled " + throttled);
        HttpResponse<String> locked = get("/token?service=regcache", RealmUsers.basic(RealmUsers.INSIDER));
        assertEquals(429, locked.statusCode(), "a locked-out client may not keep trying, right password or not");
        assertTrue(locked.headers().firstValue("Retry-After").isPresent());
    }

    @Test
    @Order(9)
    void theUpstreamPasswordAppearsInNoLogLine() {
        List<String> lines;
        synchronized (LOG_LINES) {
            lines = List.copyOf(LOG_LINES);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("io.regcache")), "no mirror log lines were captured at all");
        assertTrue(lines.stream().anyMatch(l -> l.contains("account " + TokenServer.ALICE)), "the account is named, as it may be");
        List<String> leaks = lines.stream().filter(l -> l.contains(TokenServer.ALICE_PASSWORD)).toList();
        assertEquals(List.of(), leaks);
        Set<String> realmPasswords = Set.of("insider-pass", "puller-pass", "not-the-password");
        assertEquals(List.of(), lines.stream().filter(l -> realmPasswords.stream().anyMatch(l::contains)).toList());
    }
}
