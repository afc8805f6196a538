package io.regcache.upstream;

import io.regcache.config.UpstreamConfig;
import io.regcache.metrics.Telemetry;
import io.regcache.oci.AcceptedTypes;
import io.regcache.oci.Access;
import io.regcache.oci.Digest;
import io.regcache.oci.MediaTypes;
import io.regcache.oci.Reference;
import io.regcache.oci.RegistryException;
import io.regcache.oci.RepositoryName;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The registry API of one upstream, pull side only: what the cache needs to ask and fetch. Every
 * method either returns a usable answer or throws {@link UpstreamException}.
 */
public final class Upstream {
    /** Manifests larger than this are refused: no registry produces them, and they would sit in memory. */
    public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final int MAX_TAGS_BYTES = 8 * 1024 * 1024;
    private static final String DIGEST_HEADER = "Docker-Content-Digest";

    /** What a manifest HEAD told: the digest may be absent when an upstream does not send it. */
    public record ManifestHead(Digest digest, String mediaType, long size) {
    }

    /** Manifest bytes as the upstream served them, and the digest header it sent (or null). */
    public record FetchedManifest(byte[] bytes, String mediaType, String headerDigest) {
        /** The digest the upstream claims for the bytes, or null when it sent none. */
        public Digest claimedDigest() {
            return headerDigest == null ? null : parseDigest(headerDigest);
        }
    }

    /** One page of tags/list: the raw JSON body and the Link header (or null). */
    public record TagPage(byte[] body, String link) {
    }

    private final UpstreamConfig config;
    private final UpstreamCaller caller;

    public Upstream(UpstreamConfig config, HttpClient http, Duration timeout, Telemetry telemetry) {
        this.config = config;
        Credentials account = config.hasCredentials() ? new Credentials(config.username(), config.password()) : null;
        this.caller = new UpstreamCaller(http, config.url(), account, timeout, config.tokenRealms(), config.registry(), telemetry);
    }

    /** Whether the upstream answers at all: {@code GET /v2/} (a 401 counts: it is there). Free on Docker Hub. */
    public boolean ping() {
        try (UpstreamResponse r = caller.send("GET", "/v2/", Map.of(), null, Access.ANONYMOUS)) {
            r.discard();
            return r.status() < 500;
        } catch (UpstreamException e) {
            return e.kind() != UpstreamException.Kind.UNREACHABLE && e.status() < 500;
        }
    }

    public UpstreamConfig config() {
        return config;
    }

    public String registry() {
        return config.registry();
    }

    public ManifestHead headManifest(RepositoryName name, Reference ref, AcceptedTypes accept, Access access) {
        try (UpstreamResponse r = openManifest("HEAD", name, ref, accept, access)) {
            return new ManifestHead(r.header(DIGEST_HEADER).map(Upstream::parseDigest).orElse(null), mediaType(r),
                    r.contentLength());
        }
    }

    public FetchedManifest getManifest(RepositoryName name, Reference ref, AcceptedTypes accept, Access access) {
        try (UpstreamResponse r = openManifest("GET", name, ref, accept, access)) {
            return new FetchedManifest(readAll(r, MAX_MANIFEST_BYTES, manifestLabel(name, ref)), mediaType(r),
                    r.header(DIGEST_HEADER).orElse(null));
        }
    }

    /** The blob's size upstream, from a HEAD. */
    public long headBlob(RepositoryName name, Digest digest, Access access) {
        try (UpstreamResponse r = openBlob("HEAD", name, digest, Map.of(), access)) {
            return r.contentLength();
        }
    }

    /**
     * Opens the blob body from {@code offset} (a Range request when above 0). The response is
     * 200 or 206; the caller reads and closes it.
     */
    public UpstreamResponse getBlob(RepositoryName name, Digest digest, long offset, Access access) {
        return openBlob("GET", name, digest, offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of(), access);
    }

    public TagPage listTags(RepositoryName name, Integer n, String last, Access access) {
        StringBuilder path = new StringBuilder("/v2/").append(name).append("/tags/list");
        String sep = "?";
        if (n != null) {
            path.append(sep).append("n=").append(n);
            sep = "&";
        }
        if (last != null) {
            path.append(sep).append("last=").append(URLEncoder.encode(last, StandardCharsets.UTF_8));
        }
        String what = "tags of " + name;
        try (UpstreamResponse r = open("GET", path.toString(), Map.of("Accept", "application/json"), name, access, what)) {
            return new TagPage(readAll(r, MAX_TAGS_BYTES, what), r.header("Link").orElse(null));
        }
    }

    private UpstreamResponse openManifest(String method, RepositoryName name, Reference ref, AcceptedTypes accept,
                                          Access access) {
        return open(method, "/v2/" + name + "/manifests/" + ref, Map.of("Accept", accept.headerValue()), name, access,
                manifestLabel(name, ref));
    }

    private UpstreamResponse openBlob(String method, RepositoryName name, Digest digest, Map<String, String> headers,
                                      Access access) {
        return open(method, "/v2/" + name + "/blobs/" + digest, headers, name, access, "blob " + digest);
    }

    /** Sends a pull request for {@code name}; returns only a 2xx answer, for the caller to close. */
    private UpstreamResponse open(String method, String path, Map<String, String> headers, RepositoryName name,
                                  Access access, String what) {
        UpstreamResponse r = caller.send(method, path, headers, "repository:" + name + ":pull", access);
        check(r, what); // drains and closes r when it throws
        return r;
    }

    private static String manifestLabel(RepositoryName name, Reference ref) {
        return "manifest " + name + ":" + ref;
    }

    private static String mediaType(UpstreamResponse r) {
        return MediaTypes.bare(r.header("Content-Type").orElse(null));
    }

    private static byte[] readAll(UpstreamResponse r, int max, String what) {
        try {
            return r.readBody(max);
        } catch (IOException e) {
            throw UpstreamException.unreachable("reading " + what + " failed: " + e.getMessage(), e);
        }
    }

    private static Digest parseDigest(String header) {
        try {
            return Digest.parse(header.trim());
        } catch (RegistryException e) {
            throw UpstreamException.badResponse("upstream sent an invalid Docker-Content-Digest");
        }
    }

    /** Turns a non-2xx answer into the matching failure; the one place upstream statuses are judged. */
    private void check(UpstreamResponse r, String what) {
        int s = r.status();
        if (s >= 200 && s < 300) {
            return;
        }
        r.discard();
        String where = registry() + ": " + what;
        if (s == 404) {
            throw new UpstreamException(UpstreamException.Kind.NOT_FOUND, s, where + " not found upstream", null, null);
        }
        if (s == 401 || s == 403) {
            throw new UpstreamException(UpstreamException.Kind.DENIED, s, where + ": upstream denied access (" + s + ")", null, null);
        }
        if (s == 429) {
            throw new UpstreamException(UpstreamException.Kind.RATE_LIMITED, s, where + ": upstream rate limit reached",
                    r.header("Retry-After").orElse(null), null);
        }
        if (s >= 500) {
            throw new UpstreamException(UpstreamException.Kind.SERVER_ERROR, s, where + ": upstream answered " + s, null, null);
        }
        throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, s, where + ": upstream answered " + s, null, null);
    }
}
