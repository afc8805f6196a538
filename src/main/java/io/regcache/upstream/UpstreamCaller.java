package io.regcache.upstream;

import io.regcache.metrics.Telemetry;
import io.regcache.oci.Access;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends requests to one upstream registry and owns everything between a request and a usable
 * answer: authentication (the 401 challenge, bearer tokens, Basic), one retry on 401, and redirects,
 * which it follows itself so that credentials never travel to another host (Docker Hub sends blobs
 * through a CDN redirect whose signed URL is the credential).
 */
final class UpstreamCaller {
    static final String USER_AGENT = "regcache/0.1";
    private static final Logger LOG = Logger.getLogger(UpstreamCaller.class.getName());
    private static final int MAX_REDIRECTS = 5;

    private final HttpClient http;
    private final URI base;
    private final Credentials account;
    private final Duration timeout;
    private final TokenSource tokens;
    private final List<String> trustedRealms;
    private final String registry;
    private final Telemetry telemetry;
    private volatile Learnt learnt; // from the upstream's latest 401 challenge

    /** A challenge and what follows from it, worked out once: the Bearer realm, and whether it may receive the account. */
    private record Learnt(Challenge challenge, URI realm, boolean accountAllowed) {
    }

    UpstreamCaller(HttpClient http, URI base, Credentials account, Duration timeout, List<String> trustedRealms,
                   String registry, Telemetry telemetry) {
        this.registry = registry;
        this.telemetry = telemetry;
        this.http = http;
        this.base = base;
        this.account = account;
        this.timeout = timeout;
        this.trustedRealms = trustedRealms;
        this.tokens = new TokenSource(http, timeout);
    }

    /**
     * Sends {@code method} to {@code path} (below the upstream URL) with a token for {@code scope}.
     * Returns whatever status the upstream finally answered; the caller judges it.
     */
    UpstreamResponse send(String method, String path, Map<String, String> headers, String scope, Access access) {
        URI uri = URI.create(base + path);
        Credentials credentials = access == Access.ACCOUNT ? account : null;
        String authorization = authorization(scope, credentials, false);
        UpstreamResponse response = exchange(method, uri, headers, authorization);
        if (response.status() != 401) {
            return response;
        }
        Challenge c = Challenge.parse(response.header("WWW-Authenticate").orElse(null));
        if (c == null && authorization == null) {
            return response; // nothing to answer, and asking again would be the same request
        }
        response.discard();
        if (c == null) {
            return exchange(method, uri, headers, null); // refused without a challenge: report the answer without credentials
        }
        Learnt known = learnt;
        if (known == null || !c.equals(known.challenge())) {
            learnt = learn(c);
        }
        String wanted = c.isBearer() && c.scope() != null ? c.scope() : scope;
        return exchange(method, uri, headers, authorization(wanted, credentials, true));
    }

    private Learnt learn(Challenge c) {
        if (!c.isBearer() || c.realm() == null) {
            return new Learnt(c, null, false);
        }
        URI realm = URI.create(c.realm());
        boolean allowed = CredentialPolicy.mayReceive(base, realm)
                || ("https".equals(realm.getScheme()) && trustedRealms.contains(realm.getHost()));
        if (account != null && !allowed) {
            LOG.warning(() -> "not sending the account for " + base.getHost() + " to the token realm on another domain: " + realm.getHost());
        }
        return new Learnt(c, realm, allowed);
    }

    private String authorization(String scope, Credentials credentials, boolean refresh) {
        Learnt l = learnt;
        if (l == null) {
            return null;
        }
        if (l.challenge().isBasic()) {
            return credentials == null ? null : credentials.basicHeader();
        }
        if (l.realm() != null) {
            return "Bearer " + tokens.token(l.challenge(), l.realm(), scope, l.accountAllowed() ? credentials : null, refresh);
        }
        return null;
    }

    /** One request, following redirects; Authorization is dropped for good once the origin changes. */
    private UpstreamResponse exchange(String method, URI uri, Map<String, String> headers, String authorization) {
        String auth = authorization;
        URI current = uri;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder req = HttpRequest.newBuilder(current)
                    .timeout(timeout)
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .header("User-Agent", USER_AGENT);
            headers.forEach(req::header);
            if (auth != null) {
                req.header("Authorization", auth);
            }
            HttpResponse<InputStream> r;
            long started = System.nanoTime();
            try {
                r = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                telemetry.upstreamCall(registry, 0, System.nanoTime() - started, null, null);
                throw UpstreamException.unreachable(method + " " + safe(current) + " failed: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw UpstreamException.unreachable("interrupted", e);
            }
            UpstreamResponse response = new UpstreamResponse(r.statusCode(), r.headers(), r.body());
            String location = r.headers().firstValue("Location").orElse(null);
            if (!isRedirect(r.statusCode()) || location == null) {
                telemetry.upstreamCall(registry, r.statusCode(), System.nanoTime() - started,
                        r.headers().firstValue("ratelimit-remaining").orElse(null), r.headers().firstValue("ratelimit-limit").orElse(null));
                URI answered = current;
                LOG.log(Level.FINE, () -> method + " " + safe(answered) + " -> " + r.statusCode());
                return response;
            }
            response.discard();
            if (hop >= MAX_REDIRECTS) {
                throw UpstreamException.badResponse("too many redirects from " + safe(uri));
            }
            URI next = current.resolve(location);
            if (!sameOrigin(current, next)) {
                auth = null;
            }
            current = next;
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI u) {
        return u.getPort() > 0 ? u.getPort() : ("https".equals(u.getScheme()) ? 443 : 80);
    }

    /** A URI for logs: no query, which on a CDN redirect is a signed credential. */
    static String safe(URI u) {
        return u.getScheme() + "://" + u.getRawAuthority() + u.getRawPath();
    }
}
