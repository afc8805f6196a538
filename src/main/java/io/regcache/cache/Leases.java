package io.regcache.cache;

import io.regcache.oci.Digest;
import java.util.concurrent.ConcurrentHashMap;

/** Which blobs clients are reading right now; the janitor leaves those alone. */
final class Leases {
    private final ConcurrentHashMap<Digest, Integer> readers = new ConcurrentHashMap<>();

    /** Marks the blob as being read until the returned lease is closed. */
    ReadLease acquire(Digest digest) {
        readers.merge(digest, 1, Integer::sum);
        return () -> readers.computeIfPresent(digest, (d, n) -> n == 1 ? null : n - 1);
    }

    boolean isLeased(Digest digest) {
        return readers.containsKey(digest);
    }
}
