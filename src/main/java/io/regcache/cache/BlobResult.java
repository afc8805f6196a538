package io.regcache.cache;

import io.regcache.oci.Digest;

/** A blob as served: its size (-1 if the upstream did not say), its bytes (null for a HEAD), and how it was produced. */
public record BlobResult(Digest digest, long size, BlobContent content, CacheOutcome outcome) {
}
