package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regcache.it.support.BlobRef;
import io.regcache.it.support.CommandResult;
import io.regcache.it.support.Digests;
import io.regcache.it.support.FreePort;
import io.regcache.it.support.ImageKind;
import io.regcache.it.support.ImageSeeder;
import io.regcache.it.support.MediaTypes;
import io.regcache.it.support.Nginx;
import io.regcache.it.support.PulledImage;
import io.regcache.it.support.RequiredTools;
import io.regcache.it.support.SeededImage;
import io.regcache.it.support.Skopeo;
import io.regcache.it.support.TestCertificates;
import io.regcache.it.support.TokenServer;
import io.regcache.it.support.UpstreamRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mirror behind real nginx (Debian's package) terminating TLS with a certificate made for
 * this run, twice: configured from {@code conf/nginx.conf.example} itself (only its port,
 * certificate paths, server name and the mirror's address replaced), and as Nginx Proxy Manager
 * would run {@code conf/nginx-proxy-manager.conf} pasted into a proxy host's Advanced tab. Both
 * under an http-level gzip setup as broad as nginx allows. The mirror holds an upstream account
 * (so the ping asks for credentials) and trusts {@code 127.0.0.1/32}, where nginx connects from.
 *
 * <p>Proves, through each: the Bearer realm that clients are sent to is the proxy's https URL,
 * not the mirror's own http one, and works; skopeo, verifying the certificate against the test
 * CA, pulls a public image anonymously and a private one as a realm user, byte for byte; a
 * 20 MiB layer streams through to a slow reader uncompressed, intact and without nginx spooling it
 * to disk; tag-list {@code Link}s stay usable; a client cannot smuggle forwarding headers through
 * the proxy. And straight to the mirror, forwarding headers count from the trusted proxy only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReverseProxyIT extends DeployedMirror {
    static final Path EXAMPLE = Path.of("conf", "nginx.conf.example");
    static final Path NPM_SNIPPET = Path.of("conf", "nginx-proxy-manager.conf");
    /**
     * Compression switched on at http level as broadly as nginx allows (Debian's nginx.conf and
     * Nginx Proxy Manager both have "gzip on"): the examples must switch it off for the mirror.
     */
    static final String HOSTILE_GZIP = "gzip on;\ngzip_proxied any;\ngzip_types *;\ngzip_min_length 0;\n";
    /** What Nginx Proxy Manager's own nginx.conf sets for every host that the Advanced text must override. */
    static final String NPM_HTTP_LEVEL = "client_max_body_size 2000m;\nproxy_buffering on;\n";
    static final ObjectMapper JSON = new ObjectMapper();
    static final int BIG_LAYER = 20 * 1024 * 1024;
    /** nginx's warning when it spools an upstream response into a temp file (proxy buffering to disk). */
    static final String BUFFERED = "buffered to a temporary file";

    static TokenServer tokens;
    static UpstreamRegistry upstream;
    static Skopeo skopeo;
    static TestCertificates certs;
    static SeededImage publicImage;
    static SeededImage privateImage;
    static SeededImage bigImage;
    static List<String> openTags;
    static List<Proxy> proxies;
    static HttpClient https;

    @RegisterExtension
    @org.junit.jupiter.api.Order(1)
    static final BeforeDeploy setup = BeforeDeploy.run(ReverseProxyIT::start);

    static void start() {
        RequiredTools.require(Nginx.executable(), "docker-registry", "skopeo");
        tokens = setup.closeLater(TokenServer.start());
        upstream = setup.closeLater(UpstreamRegistry.start(UpstreamRegistry.Auth.token(tokens)));
        skopeo = setup.closeLater(new Skopeo());
        ImageSeeder seeder = setup.closeLater(new ImageSeeder(upstream, skopeo));
        publicImage = seeder.seed(ImageKind.OCI, "library/open", "1", 200_000);
        seeder.seed(ImageKind.OCI, "library/open", "2", 1_000);
        seeder.seed(ImageKind.OCI, "library/open", "3", 1_000);
        openTags = List.of("1", "2", "3");
        privateImage = seeder.seed(ImageKind.OCI, "private/secret", "1", 300_000);
        bigImage = seeder.seed(ImageKind.OCI, "library/big", "1", BIG_LAYER);
        certs = TestCertificates.generate(setup.tempDir("reverse-proxy-tls"));
        https = HttpClient.newBuilder().sslContext(certs.clientContext()).connectTimeout(Duration.ofSeconds(5)).build();
        MirrorYaml.storage(setup.tempDir("reverse-proxy-storage"))
                .upstream("docker.io", upstream.url(), TokenServer.ALICE, TokenServer.ALICE_PASSWORD, true)
                .with("security:\n  trustedproxies: [127.0.0.1/32]")
                .install();
    }

    /** One nginx in front of the mirror, configured from one of the files in conf/. */
    record Proxy(String name, Nginx nginx) {
        /** https://127.0.0.1:port, as clients address it. */
        String external() {
            return "https://127.0.0.1:" + nginx.port();
        }

        String hostPort() {
            return "127.0.0.1:" + nginx.port();
        }

        @Override
        public String toString() {
            return name + " (" + external() + ")";
        }
    }

    /**
     * The proxies in front of the deployed mirror, started on first use (the mirror's port is known
     * only then): nginx from conf/nginx.conf.example, and nginx shaped like a Nginx Proxy Manager
     * proxy host with conf/nginx-proxy-manager.conf in its Advanced tab.
     */
    private List<Proxy> proxies() {
        if (proxies == null) {
            int mirrorPort = mirror.getPort();
            List<Proxy> started = new ArrayList<>();
            int port = FreePort.find();
            started.add(new Proxy("nginx.conf.example",
                    setup.closeLater(Nginx.start(HOSTILE_GZIP + renderExample(port, mirrorPort), port))));
            int npmPort = FreePort.find();
            started.add(new Proxy("nginx-proxy-manager.conf",
                    setup.closeLater(Nginx.start(HOSTILE_GZIP + NPM_HTTP_LEVEL + renderNpmHost(npmPort, mirrorPort), npmPort))));
            proxies = List.copyOf(started);
        }
        return proxies;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code text} with each key, which must occur exactly once, replaced by its value. */
    private static String substitute(Path source, String text, Map<String, String> replace) {
        for (Map.Entry<String, String> r : replace.entrySet()) {
            int first = text.indexOf(r.getKey());
            if (first < 0 || text.indexOf(r.getKey(), first + 1) >= 0) {
                throw new IllegalStateException(source + " must contain \"" + r.getKey() + "\" exactly once;"
                        + " update ReverseProxyIT together with it");
            }
            text = text.replace(r.getKey(), r.getValue());
        }
        return text;
    }

    /** conf/nginx.conf.example with the values its comments mark for change replaced. */
    private static String renderExample(int port, int mirrorPort) {
        Map<String, String> replace = new LinkedHashMap<>();
        replace.put("listen 443 ssl http2;", "listen 127.0.0.1:" + port + " ssl http2;");
        replace.put("server_name mirror.example.com;", "server_name 127.0.0.1 localhost;");
        replace.put("ssl_certificate     /etc/ssl/regcache/fullchain.pem;", "ssl_certificate     " + certs.chainFile() + ";");
        replace.put("ssl_certificate_key /etc/ssl/regcache/privkey.pem;", "ssl_certificate_key " + certs.keyFile() + ";");
        replace.put("server 127.0.0.1:5000;", "server 127.0.0.1:" + mirrorPort + ";");
        return substitute(EXAMPLE, read(EXAMPLE), replace);
    }

    /**
     * A server block the way Nginx Proxy Manager generates one for an SSL proxy host, with
     * conf/nginx-proxy-manager.conf pasted in as its Advanced configuration. NPM adds no
     * "location /" of its own when the Advanced text has one, as this one does.
     */
    private static String renderNpmHost(int port, int mirrorPort) {
        String advanced = substitute(NPM_SNIPPET, read(NPM_SNIPPET),
                Map.of("proxy_pass http://regcache:5000;", "proxy_pass http://127.0.0.1:" + mirrorPort + ";"));
        return "server {\n"
                + "    listen 127.0.0.1:" + port + " ssl http2;\n"
                + "    server_name 127.0.0.1 localhost;\n"
                + "    ssl_certificate " + certs.chainFile() + ";\n"
                + "    ssl_certificate_key " + certs.keyFile() + ";\n"
                + "    # ---- Advanced ----\n"
                + advanced
                + "    # ---- end of Advanced ----\n"
                + "}\n";
    }

    private static HttpResponse<byte[]> get(Proxy proxy, String pathOrUrl, String... headers) {
        String url = pathOrUrl.startsWith("https://") ? pathOrUrl : proxy.external() + pathOrUrl;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return https.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url + " via " + proxy, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String describe(HttpResponse<byte[]> r) {
        return r.request().uri() + " -> " + r.statusCode() + " " + r.headers().map() + " "
                + new String(r.body(), StandardCharsets.UTF_8);
    }

    private static String challenge(HttpResponse<?> r) {
        return r.headers().firstValue("WWW-Authenticate").orElse("");
    }

    private static String realmOf(String challenge) {
        Matcher m = Pattern.compile("realm=\"([^\"]*)\"").matcher(challenge);
        assertTrue(m.find(), "no realm in " + challenge);
        return m.group(1);
    }

    /** A pull token for {@code repository}, fetched through the proxy from the realm its challenge names. */
    private static String token(Proxy proxy, String repository, String credentials) {
        HttpResponse<byte[]> ping = get(proxy, "/v2/");
        assertEquals(401, ping.statusCode(), describe(ping));
        String realm = realmOf(challenge(ping));
        String url = realm + "?service=regcache&scope=" + URLEncoder.encode("repository:" + repository + ":pull", StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = credentials == null ? get(proxy, url) : get(proxy, url, "Authorization", RealmUsers.basic(credentials));
        assertEquals(200, r.statusCode(), describe(r));
        try {
            return JSON.readTree(r.body()).get("token").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** skopeo verifying the proxy's certificate: against the test CA, or against the system's CAs only. */
    private static CommandResult skopeoCopy(Proxy proxy, String ref, String creds, Path dir, boolean trustTheCa) {
        String[] tls = trustTheCa ? new String[] {"--src-tls-verify=true", "--src-cert-dir", certs.certDir().toString()}
                : new String[] {"--src-tls-verify=true"};
        return skopeo.copyToDirAllowingFailure(proxy.hostPort() + "/" + ref, dir, creds, false, tls);
    }

    /** skopeo's copy holds the image, each blob file of the blob's size. */
    private static void assertPulled(Proxy proxy, SeededImage image, Path dir) throws IOException {
        PulledImage.assertManifestAndBlobs(dir, image);
        for (BlobRef blob : image.blobs()) {
            assertEquals(blob.size(), Files.size(dir.resolve(Digests.hex(blob.digest()))), proxy + ": " + blob.digest());
        }
    }

    @Test
    @Order(1)
    void throughTheProxyTheChallengeNamesItsHttpsUrl() {
        for (Proxy proxy : proxies()) {
            HttpResponse<byte[]> ping = get(proxy, "/v2/");
            assertEquals(401, ping.statusCode(), describe(ping));
            assertEquals("registry/2.0", ping.headers().firstValue("Docker-Distribution-API-Version").orElse(null));
            String challenge = challenge(ping);
            assertTrue(challenge.startsWith("Bearer realm=\"" + proxy.external() + "/token\""),
                    proxy + ": expected the proxy's https URL, not the mirror's " + mirror + ": " + challenge);
            assertTrue(challenge.contains("service=\"regcache\""), challenge);
            assertEquals(HttpClient.Version.HTTP_2, ping.version(), proxy + " speaks HTTP/2 to clients");

            // a client cannot steer the realm through the proxy: the examples overwrite or drop these
            HttpResponse<byte[]> forged = get(proxy, "/v2/", "X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "http",
                    "X-Forwarded-Port", "8443", "Forwarded", "for=203.0.113.9;host=evil.example;proto=http");
            assertTrue(challenge(forged).startsWith("Bearer realm=\"" + proxy.external() + "/token\""), proxy + ": " + challenge(forged));

            HttpResponse<byte[]> insider = get(proxy, "/v2/", "Authorization", RealmUsers.basic(RealmUsers.INSIDER));
            assertEquals(200, insider.statusCode(), describe(insider));
            assertTrue(proxy.nginx().accessLog().contains("\"GET /v2/ HTTP/2.0\" 401"), proxy + ":\n" + proxy.nginx().accessLog());
        }
    }

    @Test
    @Order(2)
    void theRealmWorksThroughTheProxyAndItsTokensOpenTheImage() {
        for (Proxy proxy : proxies()) {
            String token = token(proxy, "library/open", null);
            HttpResponse<byte[]> m = get(proxy, "/v2/library/open/manifests/1", "Authorization", "Bearer " + token,
                    "Accept", String.join(", ", MediaTypes.ALL_MANIFESTS), "Accept-Encoding", "gzip");
            assertEquals(200, m.statusCode(), describe(m));
            assertNull(m.headers().firstValue("Content-Encoding").orElse(null), proxy + " compressed the manifest");
            assertArrayEquals(publicImage.manifestBytes(), m.body(), proxy.toString());
            assertEquals(publicImage.digest(), m.headers().firstValue("Docker-Content-Digest").orElse(null));
        }
    }

    @Test
    @Order(3)
    void skopeoRefusesTheProxyWithoutTheTestCa(@TempDir Path dir) {
        CommandResult r = skopeoCopy(proxies().get(0), "library/open:1", null, dir, false);
        assertFalse(r.ok(), "skopeo accepted a certificate it has no CA for: TLS is not being verified");
        assertTrue(r.stderr().contains("certificate") && r.stderr().contains("unknown authority"), r.describe());
    }

    @Test
    @Order(4)
    void skopeoPullsAPublicImageAnonymouslyThroughTheProxy(@TempDir Path tmp) throws IOException {
        for (Proxy proxy : proxies()) {
            Path dir = tmp.resolve(proxy.name());
            CommandResult r = skopeoCopy(proxy, "library/open:1", null, dir, true);
            assertTrue(r.ok(), r.describe());
            assertPulled(proxy, publicImage, dir);
        }
    }

    @Test
    @Order(5)
    void skopeoPullsAPrivateImageAsARealmUserThroughTheProxy(@TempDir Path tmp) throws IOException {
        for (Proxy proxy : proxies()) {
            CommandResult refused = skopeoCopy(proxy, "private/secret:1", null, tmp.resolve(proxy.name() + "-anonymous"), true);
            assertFalse(refused.ok(), proxy + ": pulled the private image anonymously");
            Path dir = tmp.resolve(proxy.name());
            CommandResult r = skopeoCopy(proxy, "private/secret:1", RealmUsers.INSIDER, dir, true);
            assertTrue(r.ok(), r.describe());
            assertPulled(proxy, privateImage, dir);
        }
    }

    @Test
    @Order(6)
    void aLargeLayerStreamsThroughUncompressedIntactAndNeverSpooledToDisk(@TempDir Path tmp) throws Exception {
        BlobRef layer = bigImage.layers().get(0);
        assertTrue(layer.size() >= BIG_LAYER, "layer of " + layer.size() + " bytes");
        for (Proxy proxy : proxies()) {
            String token = token(proxy, "library/big", null);
            // the first time cold: the mirror fetches the layer from the upstream while it streams it out
            HttpRequest request = HttpRequest.newBuilder(URI.create(proxy.external() + "/v2/library/big/blobs/" + layer.digest()))
                    .header("Authorization", "Bearer " + token).header("Accept-Encoding", "gzip")
                    .timeout(Duration.ofMinutes(2)).GET().build();
            HttpResponse<InputStream> r = https.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode(), proxy + ": " + r.headers().map());
            assertNull(r.headers().firstValue("Content-Encoding").orElse(null), proxy + " compressed the layer");
            MessageDigest sha = Digests.newSha256();
            long total = 0;
            try (InputStream in = r.body()) {
                byte[] buf = new byte[64 * 1024];
                boolean paused = false;
                for (int n; (n = in.read(buf)) >= 0; ) {
                    sha.update(buf, 0, n);
                    total += n;
                    if (!paused && total >= 1024 * 1024) {
                        // a slow client: a buffering proxy would now read ahead from the mirror and
                        // spool the rest of the layer into a temp file
                        Thread.sleep(1500);
                        paused = true;
                    }
                }
            }
            assertEquals(layer.size(), total, proxy + ": bytes received");
            assertEquals(layer.digest(), Digests.format(sha.digest()), proxy.toString());
            assertFalse(proxy.nginx().errorLog().contains(BUFFERED), proxy + " buffered the layer to disk:\n" + proxy.nginx().errorLog());

            // and skopeo: the whole image, byte for byte
            Path dir = tmp.resolve(proxy.name());
            CommandResult pulled = skopeoCopy(proxy, "library/big:1", null, dir, true);
            assertTrue(pulled.ok(), pulled.describe());
            assertPulled(proxy, bigImage, dir);
            assertFalse(proxy.nginx().errorLog().contains(BUFFERED), proxy + " buffered a layer to disk:\n" + proxy.nginx().errorLog());
        }
    }

    @Test
    @Order(7)
    void tagListLinksCanBeFollowedThroughTheProxy() throws IOException {
        for (Proxy proxy : proxies()) {
            String token = token(proxy, "library/open", null);
            List<String> seen = new ArrayList<>();
            String next = proxy.external() + "/v2/library/open/tags/list?n=1";
            int pages = 0;
            while (next != null) {
                assertTrue(++pages <= openTags.size() + 1, proxy + ": too many pages: " + seen);
                HttpResponse<byte[]> page = get(proxy, next, "Authorization", "Bearer " + token);
                assertEquals(200, page.statusCode(), describe(page));
                JsonNode tags = JSON.readTree(page.body()).get("tags");
                assertNotNull(tags, next);
                tags.forEach(t -> seen.add(t.asText()));
                String link = page.headers().firstValue("Link").orElse(null);
                if (link == null) {
                    next = null;
                } else {
                    Matcher m = Pattern.compile("^<([^>]+)>;\\s*rel=\"next\"$").matcher(link);
                    assertTrue(m.find(), link);
                    String target = m.group(1);
                    // relative, so it stays right whatever scheme and host the client used
                    assertTrue(target.startsWith("/v2/library/open/tags/list?"), link);
                    next = page.uri().resolve(target).toString();
                    assertTrue(next.startsWith(proxy.external() + "/"), next);
                }
            }
            assertEquals(openTags, seen, proxy.toString());
            assertTrue(pages >= 3, proxy + ": expected one tag per page, got " + pages + " pages");
        }
    }

    @Test
    @Order(8)
    void forwardingHeadersAreBelievedFromTheTrustedProxyOnly() {
        proxies(); // the proxies are up; the mirror answers on its own port too
        String direct = "127.0.0.1:" + mirror.getPort();
        String[] forged = {"X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https",
            "Forwarded", "for=203.0.113.9;host=evil.example;proto=https"};

        // straight to the mirror from 127.0.0.2, which is not a trusted proxy: its own URL
        RawResponse untrusted = rawGet("127.0.0.2", mirror.getPort(), "/v2/", forged);
        assertEquals(401, untrusted.status(), untrusted.head());
        assertEquals("http://" + direct + "/token", realmOf(untrusted.header("www-authenticate")), untrusted.head());

        // the same request from 127.0.0.1, where the proxies connect from: believed, as theirs are
        RawResponse trusted = rawGet("127.0.0.1", mirror.getPort(), "/v2/", forged);
        assertEquals(401, trusted.status(), trusted.head());
        assertEquals("https://evil.example/token", realmOf(trusted.header("www-authenticate")), trusted.head());
    }

    record RawResponse(int status, String head, Map<String, String> headers) {
        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }
    }

    /** An HTTP/1.1 GET from a chosen local address (HttpClient cannot bind one). */
    private static RawResponse rawGet(String fromAddress, int port, String path, String... headerPairs) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(fromAddress, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(30_000);
            StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
            for (int i = 0; i < headerPairs.length; i += 2) {
                req.append(headerPairs[i]).append(": ").append(headerPairs[i + 1]).append("\r\n");
            }
            req.append("Connection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            s.getInputStream().transferTo(all);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            String[] lines = head.split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
            }
            return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), head, headers);
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " from " + fromAddress, e);
        }
    }
}
