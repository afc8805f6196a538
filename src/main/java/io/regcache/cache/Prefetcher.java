package io.regcache.cache;

import io.regcache.oci.AcceptedTypes;
import io.regcache.oci.Access;
import io.regcache.oci.Digest;
import io.regcache.oci.Reference;
import io.regcache.oci.RegistryException;
import io.regcache.oci.Repository;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Warms the cache with an image before it is needed: its manifest, for an index every platform
 * manifest, and every blob — through the same paths clients use, so downloads are shared with
 * anyone pulling meanwhile.
 */
public final class Prefetcher {
    /** What prefetching one image did. */
    public record Result(String image, boolean ok, String digest, int blobs, long bytes, String error) {
    }

    private static final RegionSink DISCARD = (file, position, length) -> { };

    private final CacheService service;

    Prefetcher(CacheService service) {
        this.service = service;
    }

    /** Prefetches {@code [registry/]name[:tag|@digest]}, the tag latest when neither is given. */
    Result prefetch(String image) {
        try {
            int at = image.indexOf('@');
            int colon = image.lastIndexOf(':');
            String name = image;
            String reference = "latest";
            if (at > 0) {
                name = image.substring(0, at);
                reference = image.substring(at + 1);
            } else if (colon > image.lastIndexOf('/')) {
                name = image.substring(0, colon);
                reference = image.substring(colon + 1);
            }
            Reference ref = Reference.parse(reference);
            Repository repo = service.repositoryOf(name);
            ManifestResult top = service.getManifest(repo, ref, AcceptedTypes.current(), Access.ACCOUNT);
            Set<Digest> blobs = new LinkedHashSet<>();
            ManifestFacts facts = ManifestFacts.parse(top.bytes(), top.mediaType());
            facts.blobs().forEach(b -> blobs.add(b.digest()));
            for (Digest child : facts.children()) {
                ManifestResult m = service.getManifest(repo, Reference.of(child), AcceptedTypes.current(), Access.ACCOUNT);
                ManifestFacts.parse(m.bytes(), m.mediaType()).blobs().forEach(b -> blobs.add(b.digest()));
            }
            long bytes = 0;
            for (Digest d : blobs) {
                BlobResult b = service.getBlob(repo, d, Access.ACCOUNT);
                b.content().writeTo(0, -1, DISCARD); // returns once the blob is complete and verified
                bytes += b.size();
            }
            return new Result(image, true, top.digest().toString(), blobs.size(), bytes, null);
        } catch (RegistryException e) {
            return new Result(image, false, null, 0, 0, e.code() + ": " + e.getMessage());
        } catch (Exception e) {
            return new Result(image, false, null, 0, 0, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
