package io.regcache.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Minimal registry API v2 client (upstream or cache) that answers Bearer and Basic challenges
 * like docker/containerd do: request, on 401 parse {@code WWW-Authenticate}, fetch a token from
 * the realm (with Basic credentials if given), retry. Tokens are cached per scope.
 */
public final class RegistryHttpClient {
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /** A response with its body fully read. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        public String contentType() {
            return header("Content-Type");
        }

        public String digestHeader() {
            return header("Docker-Content-Digest");
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final String baseUrl;
    private final String user;
    private final String password;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    /** Anonymous client. */
    public RegistryHttpClient(String baseUrl) {
        this(baseUrl, null, null);
    }

    public RegistryHttpClient(String baseUrl, String user, String password) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.user = user;
        this.password = password;
    }

    /** GET a manifest accepting every manifest media type. */
    public Response getManifest(String repository, String reference) {
        return send("GET", "/v2/" + repository + "/manifests/" + reference,
                Map.of("Accept", String.join(", ", MediaTypes.ALL_MANIFESTS)), null);
    }

    public Response headManifest(String repository, String reference) {
        return send("HEAD", "/v2/" + repository + "/manifests/" + reference,
                Map.of("Accept", String.join(", ", MediaTypes.ALL_MANIFESTS)), null);
    }

    public Response getBlob(String repository, String digest) {
        return send("GET", "/v2/" + repository + "/blobs/" + digest, Map.of(), null);
    }

    /** Any request; {@code path} starts with {@code /v2/}. Answers one auth challenge. */
    public Response send(String method, String path, Map<String, String> headers, byte[] body) {
        String what = method + " " + path;
        Response r = once(method, path, headers, body, tokens.get(scopeKey(path, method)));
        if (r.status() != 401) {
            return r;
        }
        String challenge = r.header("WWW-Authenticate");
        if (challenge == null) {
            return r;
        }
        String authorization = authorize(challenge, what);
        if (authorization == null) {
            return r;
        }
        tokens.put(scopeKey(path, method), authorization);
        return once(method, path, headers, body, authorization);
    }

    private static String scopeKey(String path, String method) {
        return method + " " + repositoryOf(path);
    }

    private static String repositoryOf(String path) {
        int m = Math.max(path.lastIndexOf("/manifests/"), Math.max(path.lastIndexOf("/blobs/"), path.lastIndexOf("/tags/")));
        return m > 4 ? path.substring(4, m) : "";
    }

    private String authorize(String challenge, String what) {
        String lower = challenge.toLowerCase();
        if (lower.startsWith("basic")) {
            return user == null ? null : basic();
        }
        if (!lower.startsWith("bearer")) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        StringBuilder url = new StringBuilder(params.get("realm")).append('?');
        if (params.containsKey("service")) {
            url.append("service=").append(enc(params.get("service"))).append('&');
        }
        if (params.containsKey("scope")) {
            for (String s : params.get("scope").split(" ")) {
                url.append("scope=").append(enc(s)).append('&');
            }
        }
        if (user != null) {
            url.append("account=").append(enc(user));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofSeconds(10)).GET();
        if (user != null) {
            b.header("Authorization", basic());
        }
        try {
            HttpResponse<byte[]> tr = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (tr.statusCode() != 200) {
                throw new IllegalStateException("token request for " + what + " got " + tr.statusCode() + ": "
                        + new String(tr.body(), StandardCharsets.UTF_8));
            }
            JsonNode json = OciLayout.JSON.readTree(tr.body());
            JsonNode token = json.has("token") ? json.get("token") : json.get("access_token");
            return "Bearer " + token.asText();
        } catch (IOException e) {
            throw new IllegalStateException("token request failed: " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Response once(String method, String path, Map<String, String> headers, byte[] body, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60));
        headers.forEach(b::header);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(resp.statusCode(), resp.headers().map(), resp.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + baseUrl + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
