package io.regcache.cache;

import io.regcache.config.CachePolicy;
import io.regcache.metrics.Telemetry;
import io.regcache.oci.AcceptedTypes;
import io.regcache.oci.Access;
import io.regcache.oci.Digest;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.Reference;
import io.regcache.oci.RegistryException;
import io.regcache.oci.Repository;
import io.regcache.store.BlobStore;
import io.regcache.store.ManifestRecord;
import io.regcache.store.RepositoryIndex;
import io.regcache.store.TagRecord;
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
 * at a time per tag, accepted types and access, and not at all within the tag window; the bytes
 * come from disk when known, else from one GET. When the upstream fails, what the cache has is
 * served stale. What was fetched with the mirror's account reaches only callers entitled to it,
 * unless the upstream confirms it serves the same anonymously.
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
    private final Telemetry telemetry;
    private final ManifestMemo memo = new ManifestMemo(32L * 1024 * 1024);
    private final SingleFlight<List<Object>, ManifestResult> fetches = new SingleFlight<>();
    private final SingleFlight<List<Object>, Resolution> tagChecks = new SingleFlight<>();

    Manifests(Upstreams upstreams, BlobStore store, RepositoryIndex index, CachePolicy policy, Clock clock,
              Telemetry telemetry) {
        this.telemetry = telemetry;
        this.upstreams = upstreams;
        this.store = store;
        this.index = index;
        this.policy = policy;
        this.clock = clock;
        this.granularity = policy.accessGranularity();
    }

    ManifestResult get(Repository repo, Reference ref, AcceptedTypes accept, Access requested) {
        Upstream up = upstreams.byRegistry(repo.registry());
        Access access = UpstreamErrors.effective(up, requested);
        if (ref.isDigest()) {
            return byDigest(up, repo, ref.digest(), accept, access);
        }
        String tag = ref.tag();
        TagRecord known = index.tag(repo, tag).get(accept.key());
        if (known == null || !known.accessOrAccount().usableBy(access)) {
            return fetchTag(up, repo, tag, accept, access); // unknown tag: one GET by tag does it all
        }
        Resolution r = resolve(up, repo, tag, accept, access, known);
        if (r == null) {
            return fetchTag(up, repo, tag, accept, access); // the upstream's HEAD did not tell the digest
        }
        return cachedTarget(repo, r, access).orElseGet(() -> byDigest(up, repo, r.digest(), accept, access));
    }

    /** What a HEAD needs: digest, type and size; manifest bytes are only fetched by a GET. */
    ManifestResult head(Repository repo, Reference ref, AcceptedTypes accept, Access requested) {
        Upstream up = upstreams.byRegistry(repo.registry());
        Access access = UpstreamErrors.effective(up, requested);
        if (ref.isDigest()) {
            Optional<ManifestResult> local = local(repo, ref.digest(), access);
            if (local.isPresent()) {
                return local.get();
            }
            try {
                Upstream.ManifestHead head = up.headManifest(repo.name(), ref, accept, access);
                if (head.digest() != null && !head.digest().equals(ref.digest())) {
                    throw UpstreamException.badResponse("upstream answered " + ref + " with " + head.digest());
                }
                widen(repo, ref.digest(), access);
                return new ManifestResult(ref.digest(), head.mediaType(), head.size(), null, CacheOutcome.MISS, null);
            } catch (UpstreamException e) {
                throw UpstreamErrors.toClient(e, ErrorCode.MANIFEST_UNKNOWN, up, access);
            }
        }
        String tag = ref.tag();
        Resolution r = resolve(up, repo, tag, accept, access, index.tag(repo, tag).get(accept.key()));
        if (r == null) {
            return fetchTag(up, repo, tag, accept, access);
        }
        return cachedTarget(repo, r, access)
                .orElseGet(() -> new ManifestResult(r.digest(), r.mediaType(), r.size(), null, r.outcome(), r.warning()));
    }

    /** The cached manifest a tag resolved to, as a hit (stale when the resolution was). */
    private Optional<ManifestResult> cachedTarget(Repository repo, Resolution r, Access access) {
        CacheOutcome outcome = r.outcome() == CacheOutcome.STALE ? CacheOutcome.STALE : CacheOutcome.HIT;
        return local(repo, r.digest(), access).map(m -> m.withOutcome(outcome, r.warning()));
    }

    /**
     * Where the tag points: from its record ({@code known}, null when none) if checked within the
     * tag window, else from one upstream HEAD shared by everyone asking meanwhile, else (upstream
     * down) from the record, stale. Null when the upstream answered without a usable digest.
     */
    private Resolution resolve(Upstream up, Repository repo, String tag, AcceptedTypes accept, Access access,
                               TagRecord known) {
        if (known != null && known.accessOrAccount().usableBy(access) && !policy.tagWindow().isZero()
                && clock.millis() - known.checkedAt() < policy.tagWindow().toMillis()) {
            return new Resolution(Digest.parse(known.digest()), known.mediaType(), known.size(), CacheOutcome.HIT, null);
        }
        return tagChecks.run(List.of(repo, tag, accept, access), () -> {
            try {
                Upstream.ManifestHead head = up.headManifest(repo.name(), Reference.parse(tag), accept, access);
                if (head.digest() == null || head.size() < 0 || head.mediaType() == null) {
                    return null;
                }
                index.putTag(repo, tag, accept.key(), new TagRecord(head.digest().toString(), head.mediaType(),
                        head.size(), clock.millis(), access));
                return new Resolution(head.digest(), head.mediaType(), head.size(), CacheOutcome.MISS, null);
            } catch (UpstreamException e) {
                return staleOrThrow(up, repo, tag, accept, access, e);
            }
        });
    }

    /**
     * The upstream did not answer for a tag: "not found" forgets the tag; an outage falls back to
     * what the tag resolved to before (for these accepted types, or any record of a type the
     * client accepts, as far as the caller may see it); anything else is the client's error.
     */
    private Resolution staleOrThrow(Upstream up, Repository repo, String tag, AcceptedTypes accept, Access access,
                                    UpstreamException e) {
        if (e.kind() == UpstreamException.Kind.NOT_FOUND) {
            index.removeTag(repo, tag, accept.key());
        } else if (e.isOutage()) {
            Map<String, TagRecord> records = index.tag(repo, tag);
            TagRecord exact = records.get(accept.key());
            List<TagRecord> candidates = (exact != null ? List.of(exact)
                    : records.values().stream().filter(r -> accept.accepts(r.mediaType())).toList())
                    .stream().filter(r -> r.accessOrAccount().usableBy(access)).toList();
            for (TagRecord r : candidates) {
                Digest d = Digest.parse(r.digest());
                if (local(repo, d, access).isPresent()) {
                    LOG.info(() -> "serving cached " + repo + ":" + tag + " because the upstream failed: " + e.getMessage());
                    return new Resolution(d, r.mediaType(), r.size(), CacheOutcome.STALE, "upstream unavailable: " + e.getMessage());
                }
            }
        }
        throw UpstreamErrors.toClient(e, ErrorCode.MANIFEST_UNKNOWN, up, access);
    }

    /** One GET by tag, shared by concurrent callers; the digest is computed and cross-checked. */
    private ManifestResult fetchTag(Upstream up, Repository repo, String tag, AcceptedTypes accept, Access access) {
        return fetches.run(List.of(repo, tag, accept, access), () -> {
            try {
                Upstream.FetchedManifest f = up.getManifest(repo.name(), Reference.parse(tag), accept, access);
                ManifestResult result = keep(repo, digestOf(f), f, access);
                index.putTag(repo, tag, accept.key(), new TagRecord(result.digest().toString(), result.mediaType(),
                        result.size(), clock.millis(), access));
                return result;
            } catch (UpstreamException e) {
                Resolution stale = staleOrThrow(up, repo, tag, accept, access, e);
                return local(repo, stale.digest(), access)
                        .orElseThrow(() -> UpstreamErrors.toClient(e, ErrorCode.MANIFEST_UNKNOWN, up, access))
                        .withOutcome(CacheOutcome.STALE, stale.warning());
            }
        });
    }

    private ManifestResult byDigest(Upstream up, Repository repo, Digest digest, AcceptedTypes accept, Access access) {
        Optional<ManifestResult> local = local(repo, digest, access);
        if (local.isPresent()) {
            return local.get();
        }
        return fetches.run(List.of(repo, digest, access), () -> {
            Optional<ManifestResult> meanwhile = local(repo, digest, access);
            if (meanwhile.isPresent()) {
                return meanwhile.get();
            }
            try {
                if (access == Access.ANONYMOUS && index.manifest(repo, digest).isPresent() && store.contains(digest)) {
                    // cached with the account: the upstream decides whether it is public too (a HEAD is enough)
                    up.headManifest(repo.name(), Reference.of(digest), accept, Access.ANONYMOUS);
                    widen(repo, digest, Access.ANONYMOUS);
                    Optional<ManifestResult> confirmed = local(repo, digest, access);
                    if (confirmed.isPresent()) {
                        return confirmed.get();
                    }
                }
                Upstream.FetchedManifest f = up.getManifest(repo.name(), Reference.of(digest), accept, access);
                if (!digest.matches(f.bytes())) {
                    throw UpstreamException.badResponse("upstream sent a manifest that does not match " + digest);
                }
                return keep(repo, digest, f, access);
            } catch (UpstreamException e) {
                throw UpstreamErrors.toClient(e, ErrorCode.MANIFEST_UNKNOWN, up, access);
            }
        });
    }

    /** The digest of manifest bytes fetched by tag, cross-checked against the upstream's header. */
    private static Digest digestOf(Upstream.FetchedManifest f) {
        Digest claimed = f.claimedDigest();
        Digest computed = Digest.of(claimed == null ? "sha256" : claimed.algorithm(), f.bytes());
        if (claimed != null && !claimed.equals(computed)) {
            throw UpstreamException.badResponse("upstream manifest bytes do not match its Docker-Content-Digest " + claimed);
        }
        return computed;
    }

    /** Stores verified manifest bytes and records them (and the blobs they reference) for the repository. */
    private ManifestResult keep(Repository repo, Digest digest, Upstream.FetchedManifest f, Access access) {
        telemetry.pulled(repo.registry(), "manifest", f.bytes().length);
        ManifestFacts facts = ManifestFacts.parse(f.bytes(), f.mediaType());
        try {
            store.put(digest, f.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store manifest " + digest, e);
        }
        index.putManifest(repo, new ManifestRecord(digest.toString(), facts.mediaType(), f.bytes().length, clock.millis(), access));
        for (ManifestFacts.BlobRef blob : facts.blobs()) {
            index.linkBlob(repo, blob.digest(), blob.size(), access);
        }
        memo.forget(repo, digest); // the record's access may have widened
        return local(repo, digest, access).orElseThrow().withOutcome(CacheOutcome.MISS, null);
    }

    /** The upstream serves the manifest anonymously: its record (and its blobs' links) become public. */
    private void widen(Repository repo, Digest digest, Access confirmedWith) {
        if (confirmedWith != Access.ANONYMOUS) {
            return;
        }
        Optional<ManifestRecord> rec = index.manifest(repo, digest);
        if (rec.isEmpty() || rec.get().accessOrAccount() == Access.ANONYMOUS) {
            return;
        }
        ManifestRecord r = rec.get();
        index.putManifest(repo, new ManifestRecord(r.digest(), r.mediaType(), r.size(), r.cachedAt(), Access.ANONYMOUS));
        try {
            for (ManifestFacts.BlobRef blob : ManifestFacts.parse(store.read(digest), r.mediaType()).blobs()) {
                index.linkBlob(repo, blob.digest(), blob.size(), Access.ANONYMOUS);
            }
        } catch (IOException | RuntimeException e) {
            // the blobs are confirmed one by one when asked for
        }
        memo.forget(repo, digest);
    }

    /** The repository's cached manifest, if the caller may have it; using it counts as an access. */
    private Optional<ManifestResult> local(Repository repo, Digest digest, Access access) {
        long now = clock.millis();
        Optional<ManifestMemo.Entry> memoised = memo.get(repo, digest);
        if (memoised.isPresent()) {
            ManifestMemo.Entry e = memoised.get();
            if (!e.fetchedWith.usableBy(access)) {
                return Optional.empty();
            }
            if (now - e.lastRecorded >= granularity.toMillis()) {
                index.touchManifest(repo, digest, granularity);
                e.lastRecorded = now;
            }
            return Optional.of(e.manifest);
        }
        Optional<ManifestRecord> rec = index.manifest(repo, digest);
        if (rec.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = store.read(digest);
        } catch (IOException e) {
            return Optional.empty(); // removed a moment ago: fetch again
        }
        ManifestRecord r = rec.get();
        ManifestResult found = new ManifestResult(digest, r.mediaType(), r.size(), bytes, CacheOutcome.HIT, null);
        memo.put(repo, digest, found, r.accessOrAccount(), now);
        if (!r.accessOrAccount().usableBy(access)) {
            return Optional.empty();
        }
        index.touchManifest(repo, digest, granularity);
        return Optional.of(found);
    }

    /** Forgets what memory holds of an image the janitor removed. */
    void forget(Repository repo, Digest digest) {
        memo.forget(repo, digest);
    }
}
