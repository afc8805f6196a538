package io.regcache.cache;

import io.regcache.oci.Access;
import io.regcache.oci.Digest;
import io.regcache.oci.Repository;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Recently served manifests kept in memory, so that a manifest requested by digest costs no file
 * reads. The disk stays the truth: entries are added only from what is recorded there, and the
 * janitor forgets an entry when it removes the image. Bounded by total bytes, least recently
 * used out first.
 */
final class ManifestMemo {
    private record Key(Repository repo, Digest digest) {
    }

    /** A memoised manifest, how it was fetched, and when its use was last recorded on disk. */
    static final class Entry {
        final ManifestResult manifest;
        final Access fetchedWith;
        volatile long lastRecorded;

        Entry(ManifestResult manifest, Access fetchedWith, long lastRecorded) {
            this.manifest = manifest;
            this.fetchedWith = fetchedWith;
            this.lastRecorded = lastRecorded;
        }
    }

    private final long maxBytes;
    private long bytes;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);

    ManifestMemo(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    synchronized Optional<Entry> get(Repository repo, Digest digest) {
        return Optional.ofNullable(entries.get(new Key(repo, digest)));
    }

    synchronized void put(Repository repo, Digest digest, ManifestResult manifest, Access fetchedWith, long recordedAt) {
        if (manifest.bytes() == null || manifest.bytes().length > maxBytes / 8) {
            return;
        }
        Entry old = entries.put(new Key(repo, digest), new Entry(manifest, fetchedWith, recordedAt));
        bytes += manifest.bytes().length - (old == null ? 0 : old.manifest.bytes().length);
        var it = entries.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<Key, Entry> eldest = it.next();
            bytes -= eldest.getValue().manifest.bytes().length;
            it.remove();
        }
    }

    synchronized void forget(Repository repo, Digest digest) {
        Entry old = entries.remove(new Key(repo, digest));
        if (old != null) {
            bytes -= old.manifest.bytes().length;
        }
    }
}
