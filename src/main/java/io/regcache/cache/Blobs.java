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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Access access = Manifests.effective(up, requested);
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
                throw toClient(e, up, access);
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
        Access access = Manifests.effective(up, requested);
        Optional<BlobResult> hit = onDisk(up, repo, digest, access, false);
        if (hit.isPresent()) {
            return hit.get();
        }
        try {
            long size = up.headBlob(repo.name(), digest, access);
            index.linkBlob(repo, digest, size, access);
            return new BlobResult(digest, size, null, CacheOutcome.MISS);
        } catch (UpstreamException e) {
            throw toClient(e, up, access);
        }
    }

    private Optional<BlobResult> onDisk(Upstream up, Repository repo, Digest digest, Access access, boolean withContent) {
        Optional<Path> file = store.find(digest);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        ensureRepositoryHas(up, repo, digest, access);
        long size;
        try {
            size = Files.size(file.get());
        } catch (IOException e) {
            return Optional.empty(); // removed a moment ago
        }
        store.touch(digest, accessGranularity);
        BlobContent content = withContent ? BlobContent.ofFile(digest, file.get(), size, leases) : null;
        return Optional.of(new BlobResult(digest, size, content, CacheOutcome.HIT));
    }

    private void ensureRepositoryHas(Upstream up, Repository repo, Digest digest, Access access) {
        Optional<Access> linked = index.blobAccess(repo, digest);
        if (linked.isPresent() && linked.get().usableBy(access)) {
            return;
        }
        try {
            long size = up.headBlob(repo.name(), digest, access);
            index.linkBlob(repo, digest, size, access);
        } catch (UpstreamException e) {
            throw toClient(e, up, access);
        }
    }

    private static RegistryException toClient(UpstreamException e, Upstream up, Access access) {
        return UpstreamErrors.toClient(e, ErrorCode.BLOB_UNKNOWN, access == Access.ANONYMOUS && up.config().hasCredentials());
    }
}
