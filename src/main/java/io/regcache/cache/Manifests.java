package io.regcache.cache;

import io.regcache.config.CachePolicy;
import io.regcache.oci.AcceptedTypes;
import io.regcache.oci.Digest;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.Reference;
import io.regcache.oci.RegistryException;
import io.regcache.oci.Repository;
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
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Manifests and tags. A tag is resolved upstream with a HEAD (free on Docker Hub), at most once
 * at a time per tag and accepted types, and not at all within the tag window; the bytes come from
 * disk when known, else from one GET. When the upstream fails, what the cache has is served stale.
 */
final class Manifests {
    private static final Logger LOG = Logger.getLogger(Manifests.class.getName());

    /** Where a tag points, and whether the answer came from the upstream, the window or the cache. */
    private record Resolution(Digest digest, String mediaType, long size, CacheOutcome outcome, String warning) {
    }

    private final Upstreams upstreams;
    private final BlobStore store;
    private final RepositoryIndex index;
    private final CachePolicy policy;
    private final Clock clock;
    private final Duration granularity;
    private final ManifestMemo memo = new ManifestMemo(32L * 1024 * 1024);
    private final SingleFlight<List<Object>, ManifestResult> fetches = new SingleFlight<>();
    private final SingleFlight<List<Object>, Resolution> tagChecks = new SingleFlight<>();

    Manifests(Upstreams upstreams, BlobStore store, RepositoryIndex index, CachePolicy policy, Clock clock) {
        this.upstreams = upstreams;
        this.store = store;
        this.index = index;
        this.policy = policy;
        this.clock = clock;
        this.granularity = policy.accessGranularity();
    }

    ManifestResult get(Repository repo, Reference ref, AcceptedTypes accept) {
        Upstream up = upstreams.byRegistry(repo.registry());
        if (ref.isDigest()) {
            return byDigest(up, repo, ref.digest(), accept);
        }
        String tag = ref.tag();
        if (!index.tag(repo, tag).containsKey(accept.key())) {
            return fetchTag(up, repo, tag, accept); // unknown tag: one GET by tag does it all
        }
        Resolution r = resolve(up, repo, tag, accept);
        if (r == null) {
            return fetchTag(up, repo, tag, accept); // the upstream's HEAD did not tell the digest
        }
        Optional<ManifestResult> local = local(repo, r.digest());
        if (local.isPresent()) {
            return local.get().withOutcome(r.outcome() == CacheOutcome.STALE ? CacheOutcome.STALE : CacheOutcome.HIT, r.warning());
        }
        return byDigest(up, repo, r.digest(), accept);
    }

    /** What a HEAD needs: digest, type and size; manifest bytes are only fetched by a GET. */
    ManifestResult head(Repository repo, Reference ref, AcceptedTypes accept) {
        Upstream up = upstreams.byRegistry(repo.registry());
        if (ref.isDigest()) {
            Optional<ManifestResult> local = local(repo, ref.digest());
            if (local.isPresent()) {
                return local.get();
            }
            try {
                Upstream.ManifestHead head = up.headManifest(repo.name(), ref, accept, access());
                if (head.digest() != null && !head.digest().equals(ref.digest())) {
                    throw UpstreamException.badResponse("upstream answered " + ref + " with " + head.digest());
                }
                return new ManifestResult(ref.digest(), head.mediaType(), head.size(), null, CacheOutcome.MISS, null);
            } catch (UpstreamException e) {
                throw UpstreamErrors.toClient(e, ErrorCode.MANIFEST_UNKNOWN);
            }
        }
        Resolution r = resolve(up, repo, ref.tag(), accept);
        if (r == null) {
            return fetchTag(up, repo, ref.tag(), accept);
        }
        Optional<ManifestResult> local = local(repo, r.digest());
        if (local.isPresent()) {
            return local.get().withOutcome(r.outcome() == CacheOutcome.STALE ? CacheOutcome.STALE : CacheOutcome.HIT, r.warning());
        }
        return new ManifestResult(r.digest(), r.mediaType(), r.size(), null, r.outcome(), r.warning());
    }

    /**
     * Where the tag points: from its record if checked within the tag window, else from one
     * upstream HEAD shared by everyone asking meanwhile, else (upstream down) from the record,
     * stale. Null when the upstream answered without a usable digest.
     */
    private Resolution resolve(Upstream up, Repository repo, String tag, AcceptedTypes accept) {
        TagRecord known = index.tag(repo, tag).get(accept.key());
        if (known != null && !policy.tagWindow().isZero()
                && clock.millis() - known.checkedAt() < policy.tagWindow().toMillis()) {
            return new Resolution(Digest.parse(known.digest()), known.mediaType(), known.size(), CacheOutcome.HIT, null);
        }
        return tagChecks.run(List.of(repo, tag, accept), () -> {
            try {
                Upstream.ManifestHead head = up.headManifest(repo.name(), Reference.parse(tag), accept, access());
                if (head.digest() == null || head.size() < 0 || head.mediaType() == null) {
                    return null;
                }
                index.putTag(repo, tag, accept.key(), new TagRecord(head.digest().toString(), head.mediaType(),
                        head.size(), clock.millis()));
                return new Resolution(head.digest(), head.mediaType(), head.size(), CacheOutcome.MISS, null);
            } catch (UpstreamException e) {
                return staleOrThrow(repo, tag, accept, e);
            }
        });
    }

    /**
     * The upstream did not answer for a tag: "not found" forgets the tag; an outage falls back to
     * what the tag resolved to before (for these accepted types, or any record of a type the
     * client accepts); anything else is the client's error.
     */
    private Resolution staleOrThrow(Repository repo, String tag, AcceptedTypes accept, UpstreamException e) {
        if (e.kind() == UpstreamException.Kind.NOT_FOUND) {
            index.removeTag(repo, tag, accept.key());
        } else if (e.isOutage()) {
            Map<String, TagRecord> records = index.tag(repo, tag);
            TagRecord exact = records.get(accept.key());
            List<TagRecord> candidates = exact != null ? List.of(exact)
                    : records.values().stream().filter(r -> accept.accepts(r.mediaType())).toList();
            for (TagRecord r : candidates) {
                Digest d = Digest.parse(r.digest());
                if (local(repo, d).isPresent()) {
                    LOG.info(() -> "serving cached " + repo + ":" + tag + " because the upstream failed: " + e.getMessage());
                    return new Resolution(d, r.mediaType(), r.size(), CacheOutcome.STALE, "upstream unavailable: " + e.getMessage());
                }
            }
        }
        throw UpstreamErrors.toClient(e, ErrorCode.MANIFEST_UNKNOWN);
    }

    /** One GET by tag, shared by concurrent callers; the digest is computed and cross-checked. */
    private ManifestResult fetchTag(Upstream up, Repository repo, String tag, AcceptedTypes accept) {
        return fetches.run(List.of(repo, tag, accept), () -> {
            try {
                Upstream.FetchedManifest f = up.getManifest(repo.name(), Reference.parse(tag), accept, access());
                ManifestResult result = keep(repo, digestOf(f), f);
                index.putTag(repo, tag, accept.key(), new TagRecord(result.digest().toString(), result.mediaType(),
                        result.size(), clock.millis()));
                return result;
            } catch (UpstreamException e) {
                Resolution stale = staleOrThrow(repo, tag, accept, e);
                return local(repo, stale.digest()).orElseThrow(() -> UpstreamErrors.toClient(e, ErrorCode.MANIFEST_UNKNOWN))
                        .withOutcome(CacheOutcome.STALE, stale.warning());
            }
        });
    }

    private ManifestResult byDigest(Upstream up, Repository repo, Digest digest, AcceptedTypes accept) {
        Optional<ManifestResult> local = local(repo, digest);
        if (local.isPresent()) {
            return local.get();
        }
        return fetches.run(List.of(repo, digest), () -> {
            Optional<ManifestResult> meanwhile = local(repo, digest);
            if (meanwhile.isPresent()) {
                return meanwhile.get();
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
        });
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
        index.putManifest(repo, new ManifestRecord(digest.toString(), facts.mediaType(), f.bytes().length, clock.millis()));
        for (ManifestFacts.BlobRef blob : facts.blobs()) {
            index.linkBlob(repo, blob.digest(), blob.size());
        }
        ManifestResult kept = new ManifestResult(digest, facts.mediaType(), f.bytes().length, f.bytes(), CacheOutcome.HIT, null);
        memo.put(repo, digest, kept, clock.millis());
        return kept.withOutcome(CacheOutcome.MISS, null);
    }

    /** The repository's cached manifest; using it counts as an access. */
    private Optional<ManifestResult> local(Repository repo, Digest digest) {
        long now = clock.millis();
        Optional<ManifestMemo.Entry> memoised = memo.get(repo, digest);
        if (memoised.isPresent()) {
            ManifestMemo.Entry e = memoised.get();
            if (now - e.lastRecorded >= granularity.toMillis()) {
                index.touchManifest(repo, digest, granularity);
                e.lastRecorded = now;
            }
            return Optional.of(e.manifest);
        }
        Optional<ManifestRecord> rec = index.manifest(repo, digest);
        if (rec.isEmpty() || !store.contains(digest)) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = store.read(digest);
        } catch (IOException e) {
            return Optional.empty(); // removed a moment ago: fetch again
        }
        index.touchManifest(repo, digest, granularity);
        ManifestRecord r = rec.get();
        ManifestResult found = new ManifestResult(digest, r.mediaType(), r.size(), bytes, CacheOutcome.HIT, null);
        memo.put(repo, digest, found, now);
        return Optional.of(found);
    }

    /** Forgets what memory holds of an image the janitor removed. */
    void forget(Repository repo, Digest digest) {
        memo.forget(repo, digest);
    }

    private static Access access() {
        return Access.ACCOUNT;
    }
}
