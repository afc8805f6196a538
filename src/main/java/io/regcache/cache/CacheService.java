package io.regcache.cache;

import io.regcache.config.MirrorConfig;
import io.regcache.config.UpstreamConfig;
import io.regcache.metrics.Telemetry;
import io.regcache.oci.AcceptedTypes;
import io.regcache.oci.Access;
import io.regcache.oci.Digest;
import io.regcache.oci.Reference;
import io.regcache.oci.Repository;
import io.regcache.oci.RepositoryName;
import io.regcache.store.BlobStore;
import io.regcache.store.RepositoryIndex;
import io.regcache.upstream.Upstream;
import io.regcache.upstream.Upstreams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The mirror's one service: every pull goes through here, which decides whether to answer from
 * disk, ask the upstream, or fall back to cached content when the upstream fails. It knows
 * nothing of HTTP; the resources translate requests into these calls and results into responses.
 */
public final class CacheService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CacheService.class.getName());
    public static final int MAX_TAGS_PAGE = TagLists.MAX_PAGE;

    private final MirrorConfig config;
    private final BlobStore store;
    private final Upstreams upstreams;
    private final BlobFetcher fetcher;
    private final Manifests manifests;
    private final Blobs blobs;
    private final TagLists tagLists;
    private final Janitor janitor;
    private final HealthCheck health;
    private final Prefetcher prefetcher;

    public CacheService(MirrorConfig config, Telemetry telemetry) {
        this(config, telemetry, Clock.systemUTC());
    }

    CacheService(MirrorConfig config, Telemetry telemetry, Clock clock) {
        this.config = config;
        this.store = new BlobStore(config.storageRoot());
        RepositoryIndex index = new RepositoryIndex(config.storageRoot());
        try {
            int removed = store.removeTempFiles();
            if (removed > 0) {
                LOG.info("removed " + removed + " unfinished download(s) left by the previous run");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("storage " + config.storageRoot() + " is not usable", e);
        }
        Thread counting = new Thread(() -> {
            try {
                store.recount();
            } catch (IOException e) {
                LOG.warning("cannot measure the cache: " + e.getMessage());
            }
        }, "cache-size-count");
        counting.setDaemon(true);
        counting.start();
        this.upstreams = new Upstreams(config.upstreams(), config.policy().upstreamTimeout(), telemetry);
        this.fetcher = new BlobFetcher(store, config.policy().upstreamTimeout(), telemetry);
        Leases leases = new Leases();
        this.manifests = new Manifests(upstreams, store, index, config.policy(), clock, telemetry);
        this.blobs = new Blobs(upstreams, store, index, fetcher, leases, config.policy().accessGranularity());
        this.tagLists = new TagLists(upstreams, index);
        this.janitor = new Janitor(store, index, leases, config.policy(), clock, telemetry,
                image -> manifests.forget(image.repo(), image.digest()));
        janitor.start();
        this.health = new HealthCheck(config.storageRoot(), upstreams, clock);
        this.prefetcher = new Prefetcher(this);
        LOG.info("mirror ready: storage " + config.storageRoot() + ", upstreams " + config.upstreams()
                + ", " + config.policy() + ", configuration from " + config.source());
    }

    public MirrorConfig config() {
        return config;
    }

    // ---- routing

    /** The upstream clients call {@code host}, if one is configured. */
    public Optional<UpstreamConfig> upstreamFor(String host) {
        return upstreams.byHost(host).map(Upstream::config);
    }

    public UpstreamConfig defaultUpstream() {
        return upstreams.defaultUpstream().config();
    }

    /**
     * The repository a client means by {@code name} at an upstream: validated, and on Docker Hub a
     * one-component name is an official image under {@code library/}.
     */
    public Repository repository(UpstreamConfig upstream, String name) {
        RepositoryName n = new RepositoryName(name);
        return new Repository(upstream.registry(), upstream.isDockerHub() ? n.withLibraryPrefixIfSingle() : n);
    }

    // ---- pulls

    // Every pull names the caller's access: ACCOUNT for callers entitled to what the mirror's
    // upstream accounts can see, ANONYMOUS for everyone else. Content reaches a caller only if it
    // was fetched, or is confirmed upstream, with access the caller has.

    public ManifestResult getManifest(Repository repo, Reference ref, AcceptedTypes accept, Access access) {
        return manifests.get(repo, ref, accept, access);
    }

    /** What a HEAD needs; a tag is resolved upstream with a HEAD, which Docker Hub does not count as a pull. */
    public ManifestResult headManifest(Repository repo, Reference ref, AcceptedTypes accept, Access access) {
        return manifests.head(repo, ref, accept, access);
    }

    public BlobResult getBlob(Repository repo, Digest digest, Access access) {
        return blobs.get(repo, digest, access);
    }

    public BlobResult headBlob(Repository repo, Digest digest, Access access) {
        return blobs.head(repo, digest, access);
    }

    public TagList listTags(Repository repo, Integer n, String last, Access access) {
        return tagLists.list(repo, n, last, access);
    }

    // ---- operations

    /** Storage writable (else down), upstreams reachable (else degraded). */
    public HealthCheck.Health health() {
        return health.check();
    }

    /**
     * The repository a name like {@code ghcr.io/owner/app} stands for when its first component names
     * a configured registry.
     */
    public Optional<Repository> prefixed(String name) {
        int slash = name.indexOf('/');
        if (slash > 0) {
            return upstreamFor(name.substring(0, slash)).map(up -> repository(up, name.substring(slash + 1)));
        }
        return Optional.empty();
    }

    /**
     * The repository an image name like {@code ghcr.io/owner/app} or {@code alpine} stands for:
     * a configured registry as first component, else the default upstream.
     */
    public Repository repositoryOf(String name) {
        return prefixed(name).orElseGet(() -> repository(defaultUpstream(), name));
    }

    /** Pulls an image ({@code [registry/]name[:tag|@digest]}) into the cache, platforms and blobs included. */
    public Prefetcher.Result prefetch(String image) {
        return prefetcher.prefetch(image);
    }

    /** Removes a repository's images (or one of them, by digest) and the blobs only they needed. */
    public Janitor.Report purge(Repository repo, Digest digestOrNull) {
        return janitor.purge(repo, digestOrNull);
    }

    /** Bytes the cache holds on disk. */
    public long sizeOnDisk() {
        return store.size();
    }

    /** Blob downloads in progress. */
    public int downloadsInProgress() {
        return fetcher.inFlightCount();
    }

    /** Enforces expiry and the size limit now (it also runs on its own every janitor interval). */
    public Janitor.Report runJanitor() {
        return janitor.run();
    }

    @Override
    public void close() {
        janitor.close();
        fetcher.close();
        LOG.info("mirror stopped: storage " + config.storageRoot());
    }
}
