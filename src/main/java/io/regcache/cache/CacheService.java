package io.regcache.cache;

import io.regcache.config.MirrorConfig;
import io.regcache.config.UpstreamConfig;
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
    private final Upstreams upstreams;
    private final BlobFetcher fetcher;
    private final Manifests manifests;
    private final Blobs blobs;
    private final TagLists tagLists;
    private final Janitor janitor;

    public CacheService(MirrorConfig config) {
        this(config, Clock.systemUTC());
    }

    CacheService(MirrorConfig config, Clock clock) {
        this.config = config;
        BlobStore store = new BlobStore(config.storageRoot());
        RepositoryIndex index = new RepositoryIndex(config.storageRoot());
        try {
            int removed = store.removeTempFiles();
            if (removed > 0) {
                LOG.info("removed " + removed + " unfinished download(s) left by the previous run");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("storage " + config.storageRoot() + " is not usable", e);
        }
        this.upstreams = new Upstreams(config.upstreams(), config.policy().upstreamTimeout());
        this.fetcher = new BlobFetcher(store, config.policy().upstreamTimeout());
        Leases leases = new Leases();
        this.manifests = new Manifests(upstreams, store, index, config.policy(), clock);
        this.blobs = new Blobs(upstreams, store, index, fetcher, leases, config.policy().accessGranularity());
        this.tagLists = new TagLists(upstreams, index);
        this.janitor = new Janitor(store, index, leases, config.policy(), clock, image -> manifests.forget(image.repo(), image.digest()));
        janitor.start();
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

    /** Enforces expiry and the size limit now (it also runs on its own every janitor interval). */
    public String runJanitor() {
        return janitor.run().toString();
    }

    @Override
    public void close() {
        janitor.close();
        fetcher.close();
        LOG.info("mirror stopped: storage " + config.storageRoot());
    }
}
