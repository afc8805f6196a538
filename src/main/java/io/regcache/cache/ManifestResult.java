package io.regcache.cache;

import io.regcache.oci.Digest;

/**
 * A manifest as served: exact bytes (null for a HEAD answered without them), media type, digest,
 * size, and how it was produced. {@code warning} explains a stale answer.
 */
public record ManifestResult(Digest digest, String mediaType, long size, byte[] bytes, CacheOutcome outcome,
                             String warning) {

    ManifestResult withOutcome(CacheOutcome o, String why) {
        return new ManifestResult(digest, mediaType, size, bytes, o, why);
    }
}
