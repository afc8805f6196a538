package io.regcache.cache;

import io.regcache.oci.Access;
import io.regcache.oci.Digest;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import io.regcache.oci.Repository;
import io.regcache.store.BlobStore;
import io.regcache.store.RepositoryIndex;
import io.regcache.upstream.Upstream;
import io.regcache.upstream.UpstreamException;
import io.regcache.upstream.Upstreams;
import java.time.Duration;
import java.util.Optional;

/**
 * Blobs: from disk when verified there, else from the one shared download of that digest. A blob
 * is served under a repository only if that repository's manifests reference it or the upstream
 * confirms the repository has it — with the caller's own access: a digest learned elsewhere opens
 * nothing, and what only the mirror's account could fetch stays with callers entitled to it.
 */
final class Blobs {
    private final Upstreams upstreams;
    private final BlobStore store;
    private final RepositoryIndex index;
    private final BlobFetcher fetcher;
    private final Leases leases;
    private final Duration accessGranularity;

    Blobs(Upstreams upstreams, BlobStore store, RepositoryIndex index, BlobFetcher fetcher, Leases leases,
          Duration accessGranularity) {
        this.upstreams = upstreams;
        this.store = store;
        this.index = index;
        this.fetcher = fetcher;
        this.leases = leases;
        this.accessGranularity = accessGranularity;
    }

    BlobResult get(Repository repo, Digest digest, Access requested) {
        Upstream up = upstreams.byRegistry(repo.registry());
        Access access = UpstreamErrors.effective(up, requested);
        for (int attempt = 0; attempt < 2; attempt++) {
            Optional<BlobResult> hit = onDisk(up, repo, digest, access, true);
            if (hit.isPresent()) {
                return hit.get();
            }
            BlobDownload download = fetcher.join(up, repo, digest, access);
            if (download == null) {
                continue; // committed a moment ago: serve the file
            }
            long size;
            try {
                size = download.awaitStart();
            } catch (UpstreamException e) {
                throw UpstreamErrors.toClient(e, ErrorCode.BLOB_UNKNOWN, up, access);
            }
            if (download.origin.equals(repo) && download.access.usableBy(access)) {
                index.linkBlob(repo, digest, size, download.access); // the upstream just served it for this repository
            } else {
                ensureRepositoryHas(up, repo, digest, access);
            }
            return new BlobResult(digest, size, BlobContent.ofDownload(download, size, leases), CacheOutcome.MISS);
        }
        throw new RegistryException(ErrorCode.UNKNOWN, "blob " + digest + " vanished while being served");
    }

    BlobResult head(Repository repo, Digest digest, Access requested) {
        Upstream up = upstreams.byRegistry(repo.registry());
        Access access = UpstreamErrors.effective(up, requested);
        Optional<BlobResult> hit = onDisk(up, repo, digest, access, false);
        if (hit.isPresent()) {
            return hit.get();
        }
        return new BlobResult(digest, confirmUpstream(up, repo, digest, access), null, CacheOutcome.MISS);
    }

    private Optional<BlobResult> onDisk(Upstream up, Repository repo, Digest digest, Access access, boolean withContent) {
        Optional<BlobStore.Entry> stored = store.stat(digest);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        if (ensureRepositoryHas(up, repo, digest, access)) {
            stored = store.stat(digest); // the upstream was asked: the file may have gone meanwhile
            if (stored.isEmpty()) {
                return Optional.empty();
            }
        }
        long size = stored.get().size();
        store.touch(stored.get(), accessGranularity);
        BlobContent content = withContent ? BlobContent.ofFile(digest, store.pathOf(digest), size, leases) : null;
        return Optional.of(new BlobResult(digest, size, content, CacheOutcome.HIT));
    }

    /** Confirms the blob for this repository and access; true when that took asking the upstream. */
    private boolean ensureRepositoryHas(Upstream up, Repository repo, Digest digest, Access access) {
        Optional<Access> linked = index.blobAccess(repo, digest);
        if (linked.isPresent() && linked.get().usableBy(access)) {
            return false;
        }
        confirmUpstream(up, repo, digest, access);
        return true;
    }

    /** The upstream has the blob for this repository and access: linked, and its size returned. */
    private long confirmUpstream(Upstream up, Repository repo, Digest digest, Access access) {
        try {
            long size = up.headBlob(repo.name(), digest, access);
            index.linkBlob(repo, digest, size, access);
            return size;
        } catch (UpstreamException e) {
            throw UpstreamErrors.toClient(e, ErrorCode.BLOB_UNKNOWN, up, access);
        }
    }
}
