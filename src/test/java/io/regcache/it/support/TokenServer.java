package io.regcache.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * In-process Docker-Hub-style token server ({@code GET /token?service=..&scope=..&account=..}).
 *
 * <p>Policy: anonymous may pull every repository except {@code private/*}; {@code alice} may pull
 * everything; {@code pusher} may pull and push everything. Denied scopes are silently dropped
 * (grants are requested ∩ allowed), like Docker Hub. A wrong password is a 401.
 *
 * <p>Tokens are RS256 JWTs signed with a fresh key whose self-signed certificate is written to
 * {@link #certificatePem()} for distribution's {@code auth.token.rootcertbundle}.
 */
public final class TokenServer implements AutoCloseable {
    public static final String ALICE = "alice";
    public static final String ALICE_PASSWORD = "alice-secret";
    public static final String PUSHER = "pusher";
    public static final String PUSHER_PASSWORD = "pusher-secret";
    public static final String PRIVATE_NAMESPACE = "private/";

    /** How the JWT names its signing key; distribution 2.8.2 accepts both (see HarnessSelfIT). */
    public enum KeyReference {
        /** {@code x5c} header with the certificate; verified against the root bundle. */
        X5C,
        /** {@code kid} header with the libtrust key id of the certificate's public key. */
        LIBTRUST_KID
    }

    /** One token request as seen by the server. */
    public record TokenRequest(String account, String service, List<String> requestedScopes,
                               List<Map<String, Object>> granted, int status) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXPIRES_IN_SECONDS = 300;

    private final Path dir;
    private final HttpServer server;
    private final ExecutorService executor;
    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final Path certificatePem;
    private final String issuer;
    private final Map<String, String> passwords = new ConcurrentHashMap<>();
    private final AtomicInteger rejectedPosts = new AtomicInteger();
    private final Map<String, AtomicInteger> perAccount = new ConcurrentHashMap<>();
    private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();
    private volatile KeyReference keyReference = KeyReference.X5C;

    private TokenServer(String issuer) throws Exception {
        this.issuer = issuer;
        this.dir = TempDirs.create("token");
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        this.keyPair = gen.generateKeyPair();
        this.certificate = selfSigned(keyPair);
        this.certificatePem = dir.resolve("token-root.pem");
        Files.writeString(certificatePem, pem(certificate));
        passwords.put(ALICE, ALICE_PASSWORD);
        passwords.put(PUSHER, PUSHER_PASSWORD);

        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "token-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/token", this::handle);
        server.start();
    }

    public static TokenServer start() {
        return start("regcache-it-token-issuer");
    }

    public static TokenServer start(String issuer) {
        try {
            return new TokenServer(issuer);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start token server", e);
        }
    }

    /** Token endpoint URL, the {@code realm} of the registry's challenge. */
    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    public String issuer() {
        return issuer;
    }

    /** PEM file with the signing certificate (for {@code auth.token.rootcertbundle}). */
    public Path certificatePem() {
        return certificatePem;
    }

    public void setKeyReference(KeyReference ref) {
        this.keyReference = ref;
    }

    /** Non-GET requests answered 405 (containerd's OAuth2 POST attempts). */
    public int rejectedPosts() {
        return rejectedPosts.get();
    }

    /** GET token requests per account; anonymous is {@code ""}; a 401 counts for the user it named. */
    public int requestsFor(String account) {
        AtomicInteger n = perAccount.get(account);
        return n == null ? 0 : n.get();
    }

    public List<TokenRequest> requests() {
        return List.copyOf(requests);
    }

    public void resetCounters() {
        rejectedPosts.set(0);
        perAccount.clear();
        requests.clear();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                // containerd tries the OAuth2 POST form first and falls back to GET on 405.
                rejectedPosts.incrementAndGet();
                ex.getResponseHeaders().set("Allow", "GET");
                send(ex, 405, Map.of("errors", List.of(Map.of("code", "UNSUPPORTED", "message", "use GET"))));
                return;
            }
            Map<String, List<String>> q = parseQuery(ex.getRequestURI().getRawQuery());
            String service = first(q, "service");
            List<String> scopes = q.getOrDefault("scope", List.of());

            String account = "";
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    decoded = "";
                }
                int colon = decoded.indexOf(':');
                String user = colon < 0 ? decoded : decoded.substring(0, colon);
                String pass = colon < 0 ? "" : decoded.substring(colon + 1);
                if (!pass.equals(passwords.get(user)) || user.isEmpty()) {
                    perAccount.computeIfAbsent(user, k -> new AtomicInteger()).incrementAndGet();
                    requests.add(new TokenRequest(user, service, scopes, List.of(), 401));
                    ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"regcache-it\"");
                    send(ex, 401, Map.of("details", "incorrect username or password"));
                    return;
                }
                account = user;
            }
            perAccount.computeIfAbsent(account, k -> new AtomicInteger()).incrementAndGet();
            List<Map<String, Object>> granted = grant(account, scopes);
            requests.add(new TokenRequest(account, service, scopes, granted, 200));
            String token = sign(account, service, granted);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("token", token);
            body.put("access_token", token);
            body.put("expires_in", EXPIRES_IN_SECONDS);
            body.put("issued_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            send(ex, 200, body);
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    /** Requested ∩ allowed, per scope; scopes with no allowed action are dropped. */
    private List<Map<String, Object>> grant(String account, List<String> scopes) {
        Map<String, Map<String, Object>> byResource = new LinkedHashMap<>();
        for (String scope : scopes) {
            // Several scopes may be joined by spaces in one parameter.
            for (String one : scope.trim().split("\\s+")) {
                int first = one.indexOf(':');
                int last = one.lastIndexOf(':');
                if (first < 0 || last <= first) {
                    continue;
                }
                String type = one.substring(0, first);
                String name = one.substring(first + 1, last);
                List<String> actions = new ArrayList<>();
                for (String action : one.substring(last + 1).split(",")) {
                    if (allowed(account, type, name, action) && !actions.contains(action)) {
                        actions.add(action);
                    }
                }
                if (actions.isEmpty()) {
                    continue;
                }
                Map<String, Object> entry = byResource.computeIfAbsent(type + ":" + name, k -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("type", type);
                    m.put("name", name);
                    m.put("actions", new ArrayList<String>());
                    return m;
                });
                @SuppressWarnings("unchecked")
                List<String> have = (List<String>) entry.get("actions");
                actions.stream().filter(a -> !have.contains(a)).forEach(have::add);
            }
        }
        return new ArrayList<>(byResource.values());
    }

    private static boolean allowed(String account, String type, String name, String action) {
        if (!"repository".equals(type)) {
            return false; // no catalog access for anyone
        }
        if (PUSHER.equals(account)) {
            return "pull".equals(action) || "push".equals(action);
        }
        if (!"pull".equals(action)) {
            return false;
        }
        if (account.isEmpty()) {
            return !name.startsWith(PRIVATE_NAMESPACE);
        }
        return true;
    }

    private String sign(String account, String service, List<Map<String, Object>> access) {
        try {
            Instant now = Instant.now();
            JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT);
            if (keyReference == KeyReference.X5C) {
                header.x509CertChain(List.of(com.nimbusds.jose.util.Base64.encode(certificate.getEncoded())));
            } else {
                header.keyID(libtrustKeyId(certificate.getPublicKey().getEncoded()));
            }
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .issuer(issuer)
                    .subject(account)
                    .audience(service) // one audience is serialised as a plain string, which 2.8.2 expects
                    .expirationTime(Date.from(now.plusSeconds(EXPIRES_IN_SECONDS)))
                    .notBeforeTime(Date.from(now.minusSeconds(5)))
                    .issueTime(Date.from(now))
                    .jwtID(UUID.randomUUID().toString())
                    .claim("access", access)
                    .build();
            SignedJWT jwt = new SignedJWT(header.build(), claims);
            jwt.sign(new RSASSASigner((RSAPrivateKey) keyPair.getPrivate()));
            return jwt.serialize();
        } catch (JOSEException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * libtrust key id: SHA-256 of the DER SubjectPublicKeyInfo, first 240 bits, base32, in
     * colon-separated groups of four characters. distribution maps root-bundle keys by this id.
     */
    public static String libtrustKeyId(byte[] spkiDer) {
        byte[] hash = Digests.newSha256().digest(spkiDer);
        String b32 = base32(java.util.Arrays.copyOf(hash, 30));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b32.length(); i += 4) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(b32, i, Math.min(i + 4, b32.length()));
        }
        return sb.toString();
    }

    private static String base32(byte[] data) {
        final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    private static X509Certificate selfSigned(KeyPair kp) throws Exception {
        X500Name name = new X500Name("CN=regcache-it-token-signer");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.HOURS)),
                Date.from(now.plus(7, ChronoUnit.DAYS)), name, kp.getPublic());
        // No extended key usage: Go's x509 verification (used for x5c) would then demand serverAuth.
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign));
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
    }

    private static String pem(X509Certificate cert) throws Exception {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded());
        return "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n";
    }

    private static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static String first(Map<String, List<String>> q, String key) {
        List<String> v = q.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        TempDirs.deleteQuietly(dir);
    }

    @Override
    public String toString() {
        return "TokenServer[" + realm() + "]";
    }

}
