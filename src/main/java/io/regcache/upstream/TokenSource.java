package io.regcache.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Bearer tokens from a registry's token service (Docker Hub's flow): {@code GET realm?service=&scope=}
 * anonymously or with Basic credentials and {@code account=}. Tokens are cached per realm, service,
 * scope and identity until shortly before they expire; concurrent requests for the same token share
 * one fetch.
 */
final class TokenSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SKEW = Duration.ofSeconds(10);
    private static final Duration MIN_LIFETIME = Duration.ofSeconds(60);

    private record Key(String realm, String service, String scope, String identity) {
    }

    private record Token(String value, Instant expires) {
    }

    private final HttpClient http;
    private final Duration timeout;
    private final ConcurrentHashMap<Key, CompletableFuture<Token>> cache = new ConcurrentHashMap<>();

    TokenSource(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    /** A token for the scope from the challenge's realm (parsed by the caller); {@code credentials} null means anonymous. */
    String token(Challenge challenge, URI realm, String scope, Credentials credentials, boolean refresh) {
        Key key = new Key(challenge.realm(), challenge.service(), scope, credentials == null ? "" : credentials.username());
        CompletableFuture<Token> mine = new CompletableFuture<>();
        CompletableFuture<Token> current = cache.compute(key, (k, existing) -> {
            if (existing != null && !refresh) {
                Token t = existing.getNow(null);
                boolean fresh = t != null && t.expires().isAfter(Instant.now());
                if (fresh || !existing.isDone()) {
                    return existing;
                }
            }
            return mine;
        });
        if (current == mine) {
            try {
                mine.complete(fetch(challenge, realm, scope, credentials));
            } catch (RuntimeException e) {
                cache.remove(key, mine);
                mine.completeExceptionally(e);
            }
        }
        try {
            return current.get().value();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw UpstreamException.unreachable("interrupted while waiting for a token", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private Token fetch(Challenge challenge, URI realm, String scope, Credentials credentials) {
        StringBuilder query = new StringBuilder();
        if (challenge.service() != null) {
            append(query, "service", challenge.service());
        }
        if (scope != null) {
            for (String s : scope.split(" ")) {
                append(query, "scope", s);
            }
        }
        if (credentials != null) {
            append(query, "account", credentials.username());
        }
        URI uri = URI.create(realm + (realm.getRawQuery() == null ? "?" : "&") + query);
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("User-Agent", UpstreamCaller.USER_AGENT);
        if (credentials != null) {
            req.header("Authorization", credentials.basicHeader());
        }
        Instant requested = Instant.now();
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw UpstreamException.unreachable("token service " + realm.getHost() + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw UpstreamException.unreachable("interrupted while fetching a token", e);
        }
        int status = resp.statusCode();
        if (status == 401 || status == 403) {
            throw new UpstreamException(UpstreamException.Kind.DENIED, status,
                    "token service " + realm.getHost() + " refused " + (credentials == null ? "anonymous access" : "the configured account"),
                    null, null);
        }
        if (status == 429) {
            throw new UpstreamException(UpstreamException.Kind.RATE_LIMITED, status, "token service rate limit",
                    resp.headers().firstValue("Retry-After").orElse(null), null);
        }
        if (status >= 500) {
            throw new UpstreamException(UpstreamException.Kind.SERVER_ERROR, status, "token service answered " + status, null, null);
        }
        if (status != 200) {
            throw UpstreamException.badResponse("token service answered " + status);
        }
        try {
            JsonNode body = JSON.readTree(resp.body());
            String token = body.path("token").asText(body.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw UpstreamException.badResponse("token service answered without a token");
            }
            long expiresIn = Math.max(body.path("expires_in").asLong(60), MIN_LIFETIME.toSeconds());
            Instant issued = requested;
            if (body.hasNonNull("issued_at")) {
                try {
                    issued = Instant.parse(body.get("issued_at").asText());
                } catch (DateTimeParseException ignored) {
                    // count from when we asked
                }
            }
            // a clock far off from ours must not make the token look fresh forever or stale at once
            if (issued.isAfter(Instant.now()) || issued.isBefore(requested.minus(Duration.ofMinutes(5)))) {
                issued = requested;
            }
            return new Token(token, issued.plusSeconds(expiresIn).minus(SKEW));
        } catch (IOException e) {
            throw UpstreamException.badResponse("token service answered malformed JSON");
        }
    }

    private static void append(StringBuilder q, String key, String value) {
        if (!q.isEmpty()) {
            q.append('&');
        }
        q.append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
