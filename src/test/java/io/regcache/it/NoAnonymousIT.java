package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.it.support.FakeImage;
import io.regcache.it.support.FaultyUpstream;
import io.regcache.it.support.MediaTypes;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With {@code security.anonymous: none}, every pull needs a realm user with registry-pull. */
class NoAnonymousIT extends DeployedMirror {
    static FaultyUpstream upstream;

    @RegisterExtension
    @Order(1)
    static final BeforeDeploy setup = BeforeDeploy.run(NoAnonymousIT::start);

    static void start() {
        upstream = setup.closeLater(FaultyUpstream.start());
        upstream.on("/v2/team/app/manifests/1",
                FaultyUpstream.manifest(FakeImage.named("closed").manifest(), MediaTypes.OCI_MANIFEST));
        MirrorYaml.storage(setup.tempDir("closed-storage"))
                .upstream("docker.io", upstream.url(), true)
                .with("security:\n  anonymous: none")
                .install();
    }

    @Test
    void anonymousClientsAreAskedToLogInEverywhere() {
        upstream.clear();
        for (String path : new String[] {"/v2/", "/v2/team/app/manifests/1", "/v2/team/app/tags/list"}) {
            var r = MirrorHttp.get(mirror, path);
            assertEquals(401, r.statusCode(), path);
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer realm="), path);
        }
        assertTrue(MirrorHttp.get(mirror, "/v2/team/app/manifests/1").headers().firstValue("WWW-Authenticate").orElse("")
                .contains("scope=\"repository:team/app:pull\""));
        assertEquals(0, upstream.requests().stream().filter(s -> s.path().startsWith("/v2/team")).count(),
                "an anonymous request reached the upstream");
    }

    @Test
    void anonymousTokensGrantNothing() throws Exception {
        var token = MirrorHttp.get(mirror, "/token?service=regcache&scope=repository:team/app:pull");
        assertEquals(200, token.statusCode());
        String jwt = new com.fasterxml.jackson.databind.ObjectMapper().readTree(token.body()).get("token").asText();
        assertEquals(401, MirrorHttp.get(mirror, "/v2/team/app/manifests/1", "Authorization", "Bearer " + jwt).statusCode());
    }

    @Test
    void realmUsersWithAPullRoleMayPull() {
        assertEquals(200, MirrorHttp.get(mirror, "/v2/", "Authorization", RealmUsers.basic(RealmUsers.PULLER)).statusCode());
        assertEquals(200, MirrorHttp.get(mirror, "/v2/team/app/manifests/1", "Authorization", RealmUsers.basic(RealmUsers.PULLER)).statusCode());
        assertEquals(200, MirrorHttp.get(mirror, "/v2/team/app/manifests/1", "Authorization", RealmUsers.basic(RealmUsers.INSIDER)).statusCode());
        var admin = MirrorHttp.get(mirror, "/v2/team/app/manifests/1", "Authorization", RealmUsers.basic(RealmUsers.ADMIN));
        assertEquals(403, admin.statusCode(), "registry-admin alone does not pull");
        assertTrue(admin.body().contains("\"DENIED\""), admin.body());
    }
}
