package io.regcache.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regcache.config.MirrorConfig;
import io.regcache.config.UpstreamConfig;
import io.regcache.oci.AcceptedTypes;
import io.regcache.oci.Digest;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.Reference;
import io.regcache.oci.RegistryException;
import io.regcache.oci.Repository;
import io.regcache.oci.RepositoryName;
import io.regcache.store.BlobStore;
import io.regcache.store.ManifestRecord;
import io.regcache.store.RepositoryIndex;
import io.regcache.store.TagRecord;
import io.regcache.upstream.Access;
import io.regcache.upstream.Upstream;
import io.regcache.upstream.UpstreamException;
import io.regcache.upstream.Upstreams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The mirror's one service: decides for every pull whether to answer from disk, ask the upstream,
 * or fall back to cached content when the upstream fails. It knows nothing of HTTP; the resources
 * translate requests into these calls and results into responses.
 */
public final class CacheService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CacheService.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final int MAX_TAGS_PAGE = 10_000;

    private final MirrorConfig config;
    private final Upstreams upstreams;
    private final BlobStore store;
    private final RepositoryIndex index;
    private final BlobFetcher fetcher;
    private final SingleFlight<List<Object>, ManifestResult> manifestFlights = new SingleFlight<>();

    public CacheService(MirrorConfig config) {
        this.config = config;
        this.store = new BlobStore(config.storageRoot());
        this.index = new RepositoryIndex(config.storageRoot());
        try {
            int removed = store.removeTempFiles();
            if (removed > 0) {
                LOG.info("removed " + removed + " unfinished download(s) left by the previous run");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("storage " + config.storageRoot() + " is not usable", e);
        }
        this.upstreams = new Upstreams(config.upstreams(), Duration.ofSeconds(30));
        this.fetcher = new BlobFetcher(store, Duration.ofSeconds(30));
        LOG.info("mirror ready: storage " + config.storageRoot() + ", upstreams " + config.upstreams()
                + ", configuration from " + config.source());
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

    // ---- manifests

    public ManifestResult getManifest(Repository repo, Reference ref, AcceptedTypes accept) {
        Upstream up = upstreams.byRegistry(repo.registry());
        return manifestFlights.run(List.of("GET", repo, ref, accept), () -> ref.isDigest()
                ? manifestByDigest(up, repo, ref.digest(), accept)
                : manifestByTag(up, repo, ref.tag(), accept));
    }

    /**
     * What a HEAD needs: digest, type and size. A tag is resolved upstream with a HEAD, which
     * Docker Hub does not count as a pull; manifest bytes are fetched only by a GET.
     */
    public ManifestResult headManifest(Repository repo, Reference ref, AcceptedTypes accept) {
        Upstream up = upstreams.byRegistry(repo.registry());
        return manifestFlights.run(List.of("HEAD", repo, ref, accept), () -> {
            if (ref.isDigest()) {
                Optional<ManifestResult> local = localManifest(repo, ref.digest(), false);
                if (local.isPresent()) {
                    return local.get();
                }
                try {
                    Upstream.ManifestHead head = up.headManifest(repo.name(), ref, accept, access());
                    if (head.digest() != null && !head.digest().equals(ref.digest())) {
                        throw UpstreamException.badResponse("upstream answered " + ref + " with " + head.digest());
                    }
                    return headResult(ref.digest(), head);
                } catch (UpstreamException e) {
                    throw UpstreamErrors.toClient(e, ErrorCode.MANIFEST_UNKNOWN);
                }
            }
            String tag = ref.tag();
            try {
                Upstream.ManifestHead head = up.headManifest(repo.name(), ref, accept, access());
                if (head.digest() == null || head.size() < 0 || head.mediaType() == null) {
                    return manifestByTag(up, repo, tag, accept); // the upstream cannot tell without a GET
                }
                index.putTag(repo, tag, accept.key(), new TagRecord(head.digest().toString(), head.mediaType(),
                        head.size(), System.currentTimeMillis()));
                return localManifest(repo, head.digest(), false).orElseGet(() -> headResult(head.digest(), head));
            } catch (UpstreamException e) {
                return staleOrThrow(repo, tag, accept, e, false);
            }
        });
    }

    private static ManifestResult headResult(Digest digest, Upstream.ManifestHead head) {
        return new ManifestResult(digest, head.mediaType(), head.size(), null, CacheOutcome.MISS, null);
    }

    private ManifestResult manifestByDigest(Upstream up, Repository repo, Digest digest, AcceptedTypes accept) {
        Optional<ManifestResult> local = localManifest(repo, digest, true);
        if (local.isPresent()) {
            return local.get();
        }
        try {
            Upstream.FetchedManifest f = up.getManifest(repo.name(), Reference.of(digest), accept, access());
            if (!digest.matches(f.bytes())) {
                throw UpstreamException.badResponse("upstream sent a manifest that does not match " + digest);
            }
            return keep(repo, digest, f);
        } catch (UpstreamException e) {
            throw UpstreamErrors.toClient(e, ErrorCode.MANIFEST_UNKNOWN);
        }
    }

    private ManifestResult manifestByTag(Upstream up, Repository repo, String tag, AcceptedTypes accept) {
        Reference ref = Reference.parse(tag);
        try {
            if (index.tag(repo, tag).containsKey(accept.key())) {
                // known tag: a HEAD tells whether it still points where we think
                Upstream.ManifestHead head = up.headManifest(repo.name(), ref, accept, access());
                if (head.digest() != null) {
                    ManifestResult result = localManifest(repo, head.digest(), true)
                            .orElseGet(() -> manifestByDigest(up, repo, head.digest(), accept));
                    remember(repo, tag, accept, result);
                    return result;
                }
            }
            // unknown tag (or an upstream that does not send digests): one GET by tag does it all
            Upstream.FetchedManifest f = up.getManifest(repo.name(), ref, accept, access());
            ManifestResult result = keep(repo, digestOf(f), f);
            remember(repo, tag, accept, result);
            return result;
        } catch (UpstreamException e) {
            return staleOrThrow(repo, tag, accept, e, true);
        }
    }

    /** The digest of manifest bytes fetched by tag, cross-checked against the upstream's header. */
    private static Digest digestOf(Upstream.FetchedManifest f) {
        Digest computed = Digest.sha256(f.bytes());
        if (f.headerDigest() == null) {
            return computed;
        }
        Digest claimed;
        try {
            claimed = Digest.parse(f.headerDigest().trim());
        } catch (RegistryException e) {
            throw UpstreamException.badResponse("upstream sent an invalid Docker-Content-Digest");
        }
        if (!claimed.matches(f.bytes())) {
            throw UpstreamException.badResponse("upstream manifest bytes do not match its Docker-Content-Digest " + claimed);
        }
        return claimed.algorithm().equals("sha256") ? computed : claimed;
    }

    /** Stores verified manifest bytes and records them (and the blobs they reference) for the repository. */
    private ManifestResult keep(Repository repo, Digest digest, Upstream.FetchedManifest f) {
        ManifestFacts facts = ManifestFacts.parse(f.bytes(), f.mediaType());
        try {
            store.put(digest, f.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store manifest " + digest, e);
        }
        index.putManifest(repo, new ManifestRecord(digest.toString(), facts.mediaType(), f.bytes().length,
                System.currentTimeMillis()));
        for (ManifestFacts.BlobRef blob : facts.blobs()) {
            index.linkBlob(repo, blob.digest(), blob.size());
        }
        return new ManifestResult(digest, facts.mediaType(), f.bytes().length, f.bytes(), CacheOutcome.MISS, null);
    }

    private void remember(Repository repo, String tag, AcceptedTypes accept, ManifestResult result) {
        index.putTag(repo, tag, accept.key(), new TagRecord(result.digest().toString(), result.mediaType(),
                result.size(), System.currentTimeMillis()));
    }

    /** The repository's cached manifest, with or without its bytes. */
    private Optional<ManifestResult> localManifest(Repository repo, Digest digest, boolean withBytes) {
        Optional<ManifestRecord> rec = index.manifest(repo, digest);
        if (rec.isEmpty() || !store.contains(digest)) {
            return Optional.empty();
        }
        byte[] bytes = null;
        if (withBytes) {
            try {
                bytes = store.read(digest);
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        ManifestRecord r = rec.get();
        return Optional.of(new ManifestResult(digest, r.mediaType(), r.size(), bytes, CacheOutcome.HIT, null));
    }

    /**
     * The upstream failed to answer for a tag: a definite "not found" forgets the tag; an outage
     * serves what the cache has for it, marked stale; anything else becomes the client's error.
     */
    private ManifestResult staleOrThrow(Repository repo, String tag, AcceptedTypes accept, UpstreamException e,
                                        boolean withBytes) {
        if (e.kind() == UpstreamException.Kind.NOT_FOUND) {
            index.removeTag(repo, tag, accept.key());
            throw UpstreamErrors.toClient(e, ErrorCode.MANIFEST_UNKNOWN);
        }
        if (e.isOutage()) {
            Map<String, TagRecord> records = index.tag(repo, tag);
            TagRecord exact = records.get(accept.key());
            List<TagRecord> candidates = exact != null ? List.of(exact)
                    : records.values().stream().filter(r -> accept.accepts(r.mediaType())).toList();
            for (TagRecord r : candidates) {
                Optional<ManifestResult> local = localManifest(repo, Digest.parse(r.digest()), withBytes);
                if (local.isPresent()) {
                    LOG.info(() -> "serving cached " + repo + ":" + tag + " because the upstream failed: " + e.getMessage());
                    return local.get().withOutcome(CacheOutcome.STALE, "upstream unavailable: " + e.getMessage());
                }
            }
        }
        throw UpstreamErrors.toClient(e, ErrorCode.MANIFEST_UNKNOWN);
    }

    // ---- blobs

    public BlobResult getBlob(Repository repo, Digest digest) {
        Upstream up = upstreams.byRegistry(repo.registry());
        for (int attempt = 0; attempt < 2; attempt++) {
            Optional<Path> file = store.find(digest);
            if (file.isPresent()) {
                ensureRepositoryHas(up, repo, digest);
                long size = sizeOf(file.get());
                return new BlobResult(digest, size, BlobContent.ofFile(digest, file.get(), size), CacheOutcome.HIT);
            }
            BlobDownload download = fetcher.join(up, repo.name(), digest, access());
            if (download == null) {
                continue; // committed a moment ago: serve the file
            }
            long size;
            try {
                size = download.awaitStart();
            } catch (UpstreamException e) {
                throw UpstreamErrors.toClient(e, ErrorCode.BLOB_UNKNOWN);
            }
            ensureRepositoryHas(up, repo, digest);
            return new BlobResult(digest, size, BlobContent.ofDownload(download, size), CacheOutcome.MISS);
        }
        throw new RegistryException(ErrorCode.UNKNOWN, "blob " + digest + " vanished while being served");
    }

    public BlobResult headBlob(Repository repo, Digest digest) {
        Upstream up = upstreams.byRegistry(repo.registry());
        Optional<Path> file = store.find(digest);
        if (file.isPresent()) {
            ensureRepositoryHas(up, repo, digest);
            return new BlobResult(digest, sizeOf(file.get()), null, CacheOutcome.HIT);
        }
        try {
            long size = up.headBlob(repo.name(), digest, access());
            index.linkBlob(repo, digest, size);
            return new BlobResult(digest, size, null, CacheOutcome.MISS);
        } catch (UpstreamException e) {
            throw UpstreamErrors.toClient(e, ErrorCode.BLOB_UNKNOWN);
        }
    }

    /**
     * A blob is served under a repository only if that repository's manifests reference it or the
     * upstream confirms the repository has it; a digest alone opens nothing.
     */
    private void ensureRepositoryHas(Upstream up, Repository repo, Digest digest) {
        if (index.hasBlob(repo, digest)) {
            return;
        }
        try {
            long size = up.headBlob(repo.name(), digest, access());
            index.linkBlob(repo, digest, size);
        } catch (UpstreamException e) {
            throw UpstreamErrors.toClient(e, ErrorCode.BLOB_UNKNOWN);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- tags

    public TagList listTags(Repository repo, Integer n, String last) {
        if (n != null && (n < 0 || n > MAX_TAGS_PAGE)) {
            throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID, "n must be between 0 and " + MAX_TAGS_PAGE);
        }
        if (last != null && !Reference.isValidTag(last)) {
            throw new RegistryException(ErrorCode.TAG_INVALID, "last must be a tag");
        }
        Upstream up = upstreams.byRegistry(repo.registry());
        try {
            Upstream.TagPage page = up.listTags(repo.name(), n, last, access());
            List<String> tags = tagsIn(page.body());
            boolean ignoredPaging = (n != null && tags.size() > n)
                    || (last != null && tags.stream().anyMatch(t -> t.compareTo(last) <= 0));
            if (ignoredPaging) {
                return page(repo, tags.stream().sorted().toList(), n, last, CacheOutcome.MISS);
            }
            return new TagList(page.body(), nextQuery(page.link()), CacheOutcome.MISS);
        } catch (UpstreamException e) {
            if (!e.isOutage()) {
                throw UpstreamErrors.toClient(e, ErrorCode.NAME_UNKNOWN);
            }
            List<String> cached = index.tags(repo);
            if (cached.isEmpty()) {
                throw UpstreamErrors.toClient(e, ErrorCode.NAME_UNKNOWN);
            }
            return page(repo, cached, n, last, CacheOutcome.STALE);
        }
    }

    private static List<String> tagsIn(byte[] json) {
        try {
            List<String> tags = new ArrayList<>();
            JSON.readTree(json).path("tags").forEach(t -> tags.add(t.asText()));
            return tags;
        } catch (IOException e) {
            throw new RegistryException(ErrorCode.UNKNOWN, 502, "upstream sent a malformed tag list", null, Map.of());
        }
    }

    /**
     * One page of sorted tags, for when the upstream cannot be asked (the tags the cache knows) or
     * ignored {@code n}/{@code last} (older registries do).
     */
    private static TagList page(Repository repo, List<String> sorted, Integer n, String last, CacheOutcome outcome) {
        List<String> after = last == null ? sorted : sorted.stream().filter(t -> t.compareTo(last) > 0).toList();
        int limit = n == null ? after.size() : Math.min(n, after.size());
        List<String> slice = after.subList(0, limit);
        String next = limit < after.size() && !slice.isEmpty() ? "n=" + limit + "&last=" + slice.get(slice.size() - 1) : null;
        ObjectNode body = JSON.createObjectNode();
        body.put("name", repo.name().value());
        slice.forEach(body.putArray("tags")::add);
        try {
            return new TagList(JSON.writeValueAsBytes(body), next, outcome);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The query of the {@code rel="next"} target in an upstream {@code Link} header, or null. */
    static String nextQuery(String link) {
        if (link == null) {
            return null;
        }
        int lt = link.indexOf('<');
        while (lt >= 0) {
            int gt = link.indexOf('>', lt + 1);
            if (gt < 0) {
                return null;
            }
            int following = link.indexOf('<', gt + 1);
            String params = link.substring(gt + 1, following < 0 ? link.length() : following);
            if (params.replace(" ", "").matches("(?i).*;rel=\"?next\"?.*")) {
                String target = link.substring(lt + 1, gt);
                int q = target.indexOf('?');
                return q < 0 ? null : target.substring(q + 1);
            }
            lt = following;
        }
        return null;
    }

    /** How requests go upstream; the mirror's account is used whenever one is configured. */
    private static Access access() {
        return Access.ACCOUNT;
    }

    @Override
    public void close() {
        fetcher.close();
        LOG.info("mirror stopped: storage " + config.storageRoot());
    }
}
