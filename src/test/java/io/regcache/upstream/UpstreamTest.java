package io.regcache.upstream;

import static io.regcache.upstream.FakeHttp.respond;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.config.UpstreamConfig;
import io.regcache.oci.AcceptedTypes;
import io.regcache.oci.Access;
import io.regcache.oci.Digest;
import io.regcache.oci.MediaTypes;
import io.regcache.oci.Reference;
import io.regcache.oci.RepositoryName;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Upstream}, {@link UpstreamCaller} and {@link TokenSource} against in-process servers: a
 * registry that wants Bearer tokens (or Basic), a token realm, and a "CDN" on another port.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class UpstreamTest {
    private static final String SERVICE = "fake-registry";
    private static final RepositoryName ALPINE = new RepositoryName("library/alpine");
    private static final byte[] MANIFEST = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}"
            .getBytes(StandardCharsets.UTF_8);
    private static final Pattern NAME_IN_PATH = Pattern.compile("/v2/(.+)/(?:manifests|blobs|tags)/.*");

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private FakeHttp registry;
    private FakeHttp auth;
    private FakeHttp cdn;
    /** The realm the registry announces in its challenge. */
    private volatile String realm;
    /** "bearer", "basic" or "none". */
    private volatile String registryAuth = "bearer";
    private final Set<String> issuedTokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokenCounter = new AtomicInteger();
    /** issued_at relative to now in seconds (null: field absent), expires_in (null: absent). */
    private volatile Long issuedAtOffsetSeconds = 0L;
    private volatile Long expiresIn = 300L;
    private final Map<String, FakeHttp.Handler> routes = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        registry = new FakeHttp();
        auth = new FakeHttp();
        cdn = new FakeHttp();
        realm = auth.base() + "/token";
        auth.handler = ex -> {
            String token = "tok-" + tokenCounter.incrementAndGet();
            issuedTokens.add(token);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("token", token);
            if (expiresIn != null) {
                body.put("expires_in", expiresIn);
            }
            if (issuedAtOffsetSeconds != null) {
                body.put("issued_at", Instant.now().plusSeconds(issuedAtOffsetSeconds).toString());
            }
            StringBuilder json = new StringBuilder("{");
            body.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":")
                    .append(v instanceof String ? "\"" + v + "\"" : v));
            respond(ex, 200, Map.of("Content-Type", "application/json"), json.append('}').toString());
        };
        registry.handler = ex -> {
            String path = ex.getRequestURI().getPath();
            String authorization = ex.getRequestHeaders().getFirst("Authorization");
            boolean ok = switch (registryAuth) {
                case "bearer" -> authorization != null && authorization.startsWith("Bearer ")
                        && issuedTokens.contains(authorization.substring(7));
                case "basic" -> basic("bob", "pw").equals(authorization);
                default -> true;
            };
            if (!ok) {
                Matcher m = NAME_IN_PATH.matcher(path);
                String challenge = registryAuth.equals("basic") ? "Basic realm=\"fake\""
                        : "Bearer realm=\"" + realm + "\",service=\"" + SERVICE + "\""
                        + (m.matches() ? ",scope=\"repository:" + m.group(1) + ":pull\"" : "");
                respond(ex, 401, Map.of("WWW-Authenticate", challenge, "Content-Type", "application/json"),
                        "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
                return;
            }
            FakeHttp.Handler route = routes.get(path);
            if (route == null) {
                respond(ex, 404, Map.of("Content-Type", "application/json"),
                        "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}");
                return;
            }
            route.handle(ex);
        };
        routes.put("/v2/library/alpine/manifests/latest", ex -> respond(ex, 200,
                Map.of("Content-Type", MediaTypes.OCI_MANIFEST, "Docker-Content-Digest", Digest.sha256(MANIFEST).toString()),
                MANIFEST));
    }

    @AfterEach
    void stop() {
        registry.close();
        auth.close();
        cdn.close();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private Upstream upstream(URI base, String username, String password) {
        return new Upstream(new UpstreamConfig("fake.test", List.of(), base, username, password, true, List.of()), http,
                Duration.ofSeconds(5), io.regcache.metrics.Telemetry.NONE);
    }

    private Upstream anonymous() {
        return upstream(registry.base(), null, null);
    }

    private Upstream withAccount() {
        return upstream(registry.base(), "bob", "pw");
    }

    private static Upstream.FetchedManifest latest(Upstream up, Access access) {
        return up.getManifest(ALPINE, Reference.parse("latest"), AcceptedTypes.current(), access);
    }

    private static Map<String, String> query(FakeHttp.Request r) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String pair : r.query().split("&")) {
            int eq = pair.indexOf('=');
            q.merge(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8), (a, b) -> a + " " + b);
        }
        return q;
    }

    // ---- token flow

    @Test
    void anonymousTokenFlow() {
        Upstream.FetchedManifest m = latest(anonymous(), Access.ANONYMOUS);

        assertArrayEquals(MANIFEST, m.bytes());
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
        assertEquals(Digest.sha256(MANIFEST).toString(), m.headerDigest());

        assertEquals(2, registry.requests.size());
        FakeHttp.Request first = registry.requests.get(0);
        assertNull(first.header("Authorization"), "first request goes without credentials");
        assertEquals(AcceptedTypes.current().headerValue(), first.header("Accept"));
        assertEquals("Bearer tok-1", registry.requests.get(1).header("Authorization"));
        assertEquals("GET", registry.requests.get(1).method());

        assertEquals(1, auth.requests.size());
        FakeHttp.Request token = auth.requests.get(0);
        assertEquals("GET", token.method());
        assertEquals("/token", token.path());
        assertEquals(Map.of("service", SERVICE, "scope", "repository:library/alpine:pull"), query(token));
        assertNull(token.header("Authorization"));
    }

    @Test
    void accountSendsBasicAndAccountToTheTokenRealm() {
        latest(withAccount(), Access.ACCOUNT);

        assertEquals(1, auth.requests.size());
        FakeHttp.Request token = auth.requests.get(0);
        assertEquals(basic("bob", "pw"), token.header("Authorization"));
        assertEquals(Map.of("service", SERVICE, "scope", "repository:library/alpine:pull", "account", "bob"), query(token));
        assertEquals("Bearer tok-1", registry.requests.get(1).header("Authorization"));
        for (FakeHttp.Request r : registry.requests) {
            assertFalse(String.valueOf(r.header("Authorization")).startsWith("Basic"), "the account is for the token realm only");
        }
    }

    @Test
    void anonymousAccessDoesNotUseTheConfiguredAccount() {
        latest(withAccount(), Access.ANONYMOUS);
        FakeHttp.Request token = auth.requests.get(0);
        assertNull(token.header("Authorization"));
        assertFalse(query(token).containsKey("account"));
    }

    @Test
    void tokenRealmOnAnotherDomainGetsNoCredentials() {
        // the registry is 127.0.0.1, the realm "localhost": different hosts, and an IP has no parent domain
        realm = "http://localhost:" + auth.port() + "/token";
        Upstream.FetchedManifest m = latest(withAccount(), Access.ACCOUNT);
        assertArrayEquals(MANIFEST, m.bytes());
        assertEquals(1, auth.requests.size());
        FakeHttp.Request token = auth.requests.get(0);
        assertNull(token.header("Authorization"), "credentials leaked to a foreign token realm");
        assertFalse(query(token).containsKey("account"), "account named to a foreign token realm");
        assertEquals("repository:library/alpine:pull", query(token).get("scope"));
    }

    @Test
    void tokenIsReusedForTheSameScope() {
        Upstream up = anonymous();
        latest(up, Access.ANONYMOUS);
        latest(up, Access.ANONYMOUS);
        latest(up, Access.ANONYMOUS);
        assertEquals(1, auth.requests.size(), "one token for one scope");
        assertEquals(4, registry.requests.size(), "one 401, then three authorised requests");
        assertEquals("Bearer tok-1", registry.requests.get(3).header("Authorization"));

        routes.put("/v2/library/busybox/manifests/latest", routes.get("/v2/library/alpine/manifests/latest"));
        up.getManifest(new RepositoryName("library/busybox"), Reference.parse("latest"), AcceptedTypes.current(), Access.ANONYMOUS);
        assertEquals(2, auth.requests.size(), "another repository is another scope");
        assertEquals("repository:library/busybox:pull", query(auth.requests.get(1)).get("scope"));
    }

    @Test
    void anonymousAndAccountTokensAreKeptApart() {
        Upstream up = withAccount();
        latest(up, Access.ANONYMOUS);
        latest(up, Access.ACCOUNT);
        assertEquals(2, auth.requests.size());
        assertNull(auth.requests.get(0).header("Authorization"));
        assertEquals(basic("bob", "pw"), auth.requests.get(1).header("Authorization"));
    }

    /**
     * Expiry is issued_at + max(expires_in, 60 s) - 10 s; an issued_at from the future or more than
     * five minutes back counts from receipt. Each case makes two calls and counts token fetches.
     */
    @ParameterizedTest(name = "issued_at {0} s, expires_in {1} -> {2} token request(s)")
    @CsvSource(nullValues = "null", value = {
            "0,      1,    1",   // 1 s is raised to 60 s: still fresh
            "null,   null, 1",   // no fields: 60 s from receipt
            "-40,    1,    1",   // 60 - 40 - 10 = 10 s left
            "-55,    1,    2",   // 60 - 55 - 10 = -5 s: expired, refetched
            "-280,   300,  1",   // 300 - 280 - 10 = 10 s left
            "-295,   300,  2",   // 300 - 295 - 10 = -5 s: expired
            "-600,   300,  1",   // issued_at 10 min back is not believed: counted from receipt
            "3600,   60,   1",   // issued_at in the future is not taken as already expired
    })
    void tokenLifetime(Long issuedOffset, Long expires, int expectedTokenRequests) {
        issuedAtOffsetSeconds = issuedOffset;
        expiresIn = expires;
        Upstream up = anonymous();
        latest(up, Access.ANONYMOUS);
        latest(up, Access.ANONYMOUS);
        assertEquals(expectedTokenRequests, auth.requests.size());
        assertEquals(3, registry.requests.size(), "a stale token is replaced before it is sent");
        assertEquals("Bearer tok-" + expectedTokenRequests, registry.requests.get(2).header("Authorization"));
    }

    @Test
    void rejectedTokenIsRefetchedOnce() {
        Upstream up = anonymous();
        latest(up, Access.ANONYMOUS);
        issuedTokens.clear(); // the registry forgets tok-1 (revoked)
        latest(up, Access.ANONYMOUS);
        assertEquals(2, auth.requests.size());
        assertEquals("Bearer tok-2", registry.requests.get(registry.requests.size() - 1).header("Authorization"));
    }

    @Test
    void tokenServiceRefusingTheAccountIsDenied() {
        auth.handler = ex -> respond(ex, 401, Map.of(), "{}");
        UpstreamException e = assertThrows(UpstreamException.class, () -> latest(withAccount(), Access.ACCOUNT));
        assertEquals(UpstreamException.Kind.DENIED, e.kind());
        assertFalse(e.isOutage());
    }

    @Test
    void tokenResponseWithoutTokenIsABadResponse() {
        auth.handler = ex -> respond(ex, 200, Map.of(), "{\"expires_in\":300}");
        UpstreamException e = assertThrows(UpstreamException.class, () -> latest(anonymous(), Access.ANONYMOUS));
        assertEquals(UpstreamException.Kind.BAD_RESPONSE, e.kind());
    }

    @Test
    void accessTokenFieldIsAccepted() {
        auth.handler = ex -> {
            issuedTokens.add("oauth-style");
            respond(ex, 200, Map.of(), "{\"access_token\":\"oauth-style\",\"expires_in\":300}");
        };
        latest(anonymous(), Access.ANONYMOUS);
        assertEquals("Bearer oauth-style", registry.requests.get(1).header("Authorization"));
    }

    // ---- Basic registries

    @Test
    void basicChallengeIsAnsweredWithTheAccount() {
        registryAuth = "basic";
        Upstream up = withAccount();
        assertArrayEquals(MANIFEST, latest(up, Access.ACCOUNT).bytes());
        assertNull(registry.requests.get(0).header("Authorization"));
        assertEquals(basic("bob", "pw"), registry.requests.get(1).header("Authorization"));
        latest(up, Access.ACCOUNT);
        assertEquals(3, registry.requests.size(), "Basic is sent up front once the challenge is known");
        assertEquals(0, auth.requests.size());
    }

    @Test
    void basicChallengeWithoutAccountIsDenied() {
        registryAuth = "basic";
        UpstreamException e = assertThrows(UpstreamException.class, () -> latest(anonymous(), Access.ANONYMOUS));
        assertEquals(UpstreamException.Kind.DENIED, e.kind());
        assertEquals(401, e.status());
    }

    // ---- redirects

    private static final Digest BLOB_DIGEST = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));
    private static final String BLOB_PATH = "/v2/library/alpine/blobs/" + BLOB_DIGEST;

    private static byte[] readBlob(Upstream up, Access access) throws IOException {
        try (UpstreamResponse r = up.getBlob(ALPINE, BLOB_DIGEST, 0, access); InputStream in = r.body()) {
            assertEquals(200, r.status());
            return in.readAllBytes();
        }
    }

    @Test
    void redirectToAnotherHostIsFollowedWithoutAuthorization() throws IOException {
        routes.put(BLOB_PATH, ex -> respond(ex, 307, Map.of("Location", cdn.base() + "/data?verify=signed"), new byte[0]));
        cdn.handler = ex -> respond(ex, 200, Map.of(), "layer");

        assertArrayEquals("layer".getBytes(StandardCharsets.UTF_8), readBlob(anonymous(), Access.ANONYMOUS));

        FakeHttp.Request toRegistry = registry.requests(BLOB_PATH).get(1);
        assertEquals("Bearer tok-1", toRegistry.header("Authorization"));
        assertEquals(1, cdn.requests.size());
        FakeHttp.Request toCdn = cdn.requests.get(0);
        assertEquals("/data", toCdn.path());
        assertEquals("verify=signed", toCdn.query());
        assertNull(toCdn.header("Authorization"), "Authorization must not cross to another host:port");
    }

    @Test
    void redirectToAnotherHostDropsBasicToo() throws IOException {
        registryAuth = "basic";
        routes.put(BLOB_PATH, ex -> respond(ex, 307, Map.of("Location", cdn.base() + "/data"), new byte[0]));
        cdn.handler = ex -> respond(ex, 200, Map.of(), "layer");
        readBlob(withAccount(), Access.ACCOUNT);
        assertNull(cdn.requests.get(0).header("Authorization"));
    }

    @Test
    void sameOriginRedirectKeepsAuthorization() throws IOException {
        routes.put(BLOB_PATH, ex -> respond(ex, 307, Map.of("Location", "/v2/library/alpine/blobs/moved"), new byte[0]));
        routes.put("/v2/library/alpine/blobs/moved", ex -> respond(ex, 200, Map.of(), "layer"));

        assertArrayEquals("layer".getBytes(StandardCharsets.UTF_8), readBlob(anonymous(), Access.ANONYMOUS));

        List<FakeHttp.Request> moved = registry.requests("/v2/library/alpine/blobs/moved");
        assertEquals(1, moved.size(), "the redirected request was authorised at once");
        assertEquals("Bearer tok-1", moved.get(0).header("Authorization"));
        assertEquals(1, auth.requests.size());
    }

    @Test
    void authorizationStaysDroppedAfterLeavingTheOrigin() throws IOException {
        routes.put(BLOB_PATH, ex -> respond(ex, 307, Map.of("Location", cdn.base() + "/bounce"), new byte[0]));
        cdn.handler = ex -> respond(ex, 302, Map.of("Location", registry.base() + "/back"), new byte[0]);
        routes.put("/back", ex -> respond(ex, 200, Map.of(), "layer"));
        registryAuth = "basic";
        Upstream up = withAccount();
        latest(up, Access.ACCOUNT); // learns the Basic challenge, so Basic goes up front from now on
        registryAuth = "none"; // so that a 401 retry cannot hide what the redirect chain carried
        readBlob(up, Access.ACCOUNT);
        assertEquals(basic("bob", "pw"), registry.requests(BLOB_PATH).get(0).header("Authorization"));
        assertNull(cdn.requests.get(0).header("Authorization"));
        assertNull(registry.requests("/back").get(0).header("Authorization"));
    }

    @Test
    void tooManyRedirectsIsABadResponse() {
        registryAuth = "none";
        routes.put(BLOB_PATH, ex -> respond(ex, 302, Map.of("Location", BLOB_PATH), new byte[0]));
        UpstreamException e = assertThrows(UpstreamException.class, () -> readBlob(anonymous(), Access.ANONYMOUS));
        assertEquals(UpstreamException.Kind.BAD_RESPONSE, e.kind());
    }

    @Test
    void rangeRequestFromOffset() throws IOException {
        registryAuth = "none";
        routes.put(BLOB_PATH, ex -> respond(ex, 206, Map.of("Content-Range", "bytes 2-4/5"), "yer"));
        try (UpstreamResponse r = anonymous().getBlob(ALPINE, BLOB_DIGEST, 2, Access.ANONYMOUS)) {
            assertEquals(206, r.status());
            assertEquals("yer", new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals("bytes=2-", registry.requests.get(0).header("Range"));
    }

    // ---- statuses

    @Test
    void rateLimitCarriesRetryAfter() {
        routes.put("/v2/library/alpine/manifests/latest", ex -> respond(ex, 429,
                Map.of("Retry-After", "17", "Content-Type", "application/json"),
                "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"You have reached your pull rate limit.\"}]}"));
        UpstreamException e = assertThrows(UpstreamException.class, () -> latest(anonymous(), Access.ANONYMOUS));
        assertEquals(UpstreamException.Kind.RATE_LIMITED, e.kind());
        assertEquals(429, e.status());
        assertEquals("17", e.retryAfter());
        assertTrue(e.isOutage());
    }

    @Test
    void notFound() {
        UpstreamException e = assertThrows(UpstreamException.class,
                () -> anonymous().getManifest(ALPINE, Reference.parse("nope"), AcceptedTypes.current(), Access.ANONYMOUS));
        assertEquals(UpstreamException.Kind.NOT_FOUND, e.kind());
        assertEquals(404, e.status());
        assertFalse(e.isOutage());
        assertNull(e.retryAfter());
    }

    @Test
    void serverError() {
        routes.put("/v2/library/alpine/manifests/latest", ex -> respond(ex, 500, Map.of(), "boom"));
        UpstreamException e = assertThrows(UpstreamException.class, () -> latest(anonymous(), Access.ANONYMOUS));
        assertEquals(UpstreamException.Kind.SERVER_ERROR, e.kind());
        assertEquals(500, e.status());
        assertTrue(e.isOutage());
    }

    @Test
    void forbiddenIsDenied() {
        routes.put("/v2/library/alpine/manifests/latest", ex -> respond(ex, 403, Map.of(), "no"));
        UpstreamException e = assertThrows(UpstreamException.class, () -> latest(anonymous(), Access.ANONYMOUS));
        assertEquals(UpstreamException.Kind.DENIED, e.kind());
        assertEquals(403, e.status());
    }

    @Test
    void connectionRefusedIsUnreachable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Upstream up = upstream(URI.create("http://127.0.0.1:" + port), null, null);
        UpstreamException e = assertThrows(UpstreamException.class, () -> latest(up, Access.ANONYMOUS));
        assertEquals(UpstreamException.Kind.UNREACHABLE, e.kind());
        assertEquals(0, e.status());
        assertTrue(e.isOutage());
    }

    // ---- manifest size limit

    private void serveManifestOf(int size, boolean declareLength) {
        routes.put("/v2/library/alpine/manifests/latest", ex -> {
            ex.getResponseHeaders().add("Content-Type", MediaTypes.OCI_MANIFEST);
            ex.sendResponseHeaders(200, declareLength ? size : 0); // 0: chunked
            try (OutputStream out = ex.getResponseBody()) {
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) ' ');
                for (int left = size; left > 0; left -= chunk.length) {
                    out.write(chunk, 0, Math.min(left, chunk.length));
                }
            } catch (IOException ignored) {
                // the client hung up, as it should
            }
        });
    }

    @Test
    void manifestOfExactly4MiBIsAccepted() {
        registryAuth = "none";
        serveManifestOf(Upstream.MAX_MANIFEST_BYTES, false);
        assertEquals(Upstream.MAX_MANIFEST_BYTES, latest(anonymous(), Access.ANONYMOUS).bytes().length);
    }

    @Test
    void manifestOverLimitWithContentLengthIsRefused() {
        registryAuth = "none";
        serveManifestOf(Upstream.MAX_MANIFEST_BYTES + 1, true);
        UpstreamException e = assertThrows(UpstreamException.class, () -> latest(anonymous(), Access.ANONYMOUS));
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void manifestOverLimitWhenChunkedIsRefused() {
        registryAuth = "none";
        serveManifestOf(Upstream.MAX_MANIFEST_BYTES + 100_000, false);
        UpstreamException e = assertThrows(UpstreamException.class, () -> latest(anonymous(), Access.ANONYMOUS));
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    /**
     * An oversized manifest is a definite, wrong answer, not an outage: {@link UpstreamException}
     * reserves the outage kinds (when stale content may be served) for network, timeout, 5xx, 429.
     */
    @Test
    void manifestOverLimitIsABadResponseNotAnOutage() {
        registryAuth = "none";
        serveManifestOf(Upstream.MAX_MANIFEST_BYTES + 1, true);
        UpstreamException e = assertThrows(UpstreamException.class, () -> latest(anonymous(), Access.ANONYMOUS));
        assertEquals(UpstreamException.Kind.BAD_RESPONSE, e.kind());
        assertFalse(e.isOutage());
    }

    // ---- HEAD and tags

    @Test
    void headManifestReadsDigestTypeAndSize() {
        Digest d = Digest.sha256(MANIFEST);
        routes.put("/v2/library/alpine/manifests/latest", ex -> respond(ex, 200, Map.of(
                "Content-Type", "Application/VND.OCI.Image.Manifest.v1+json; charset=utf-8",
                "Docker-Content-Digest", d.toString(), "Content-Length", String.valueOf(MANIFEST.length)), MANIFEST));
        Upstream.ManifestHead head = anonymous().headManifest(ALPINE, Reference.parse("latest"), AcceptedTypes.current(),
                Access.ANONYMOUS);
        assertEquals(d, head.digest());
        assertEquals(MediaTypes.OCI_MANIFEST, head.mediaType());
        assertEquals(MANIFEST.length, head.size());
        assertEquals("HEAD", registry.requests.get(registry.requests.size() - 1).method());
    }

    @Test
    void headManifestWithInvalidDigestHeaderIsABadResponse() {
        routes.put("/v2/library/alpine/manifests/latest", ex -> respond(ex, 200,
                Map.of("Docker-Content-Digest", "sha256:nothex", "Content-Length", "10"), new byte[0]));
        UpstreamException e = assertThrows(UpstreamException.class, () -> anonymous().headManifest(ALPINE,
                Reference.parse("latest"), AcceptedTypes.current(), Access.ANONYMOUS));
        assertEquals(UpstreamException.Kind.BAD_RESPONSE, e.kind());
    }

    @Test
    void listTagsPassesPagingAndReturnsLink() {
        routes.put("/v2/library/alpine/tags/list", ex -> respond(ex, 200,
                Map.of("Link", "</v2/library/alpine/tags/list?last=b&n=2>; rel=\"next\""),
                "{\"name\":\"library/alpine\",\"tags\":[\"a b\",\"b\"]}"));
        Upstream.TagPage page = anonymous().listTags(ALPINE, 2, "a b", Access.ANONYMOUS);
        assertEquals("{\"name\":\"library/alpine\",\"tags\":[\"a b\",\"b\"]}", new String(page.body(), StandardCharsets.UTF_8));
        assertEquals("</v2/library/alpine/tags/list?last=b&n=2>; rel=\"next\"", page.link());
        FakeHttp.Request last = registry.requests.get(registry.requests.size() - 1);
        assertEquals("n=2&last=a+b", last.query());
    }

    @Test
    void userAgentIsSent() {
        latest(anonymous(), Access.ANONYMOUS);
        assertNotNull(registry.requests.get(0).header("User-Agent"));
        assertTrue(registry.requests.get(0).header("User-Agent").startsWith("regcache/"));
        assertTrue(auth.requests.get(0).header("User-Agent").startsWith("regcache/"));
    }
}
