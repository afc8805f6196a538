package io.regcache.cache;

import io.regcache.config.CachePolicy;
import io.regcache.metrics.Telemetry;
import io.regcache.oci.Digest;
import io.regcache.oci.Repository;
import io.regcache.store.BlobStore;
import io.regcache.store.RepositoryIndex.ManifestEntry;
import io.regcache.store.RepositoryIndex;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the cache within its time and size limits. The unit of expiry is the image (a
 * repository's manifest, with its last use): images unused for the TTL go, and when the cache is
 * over its size limit the least recently used images go until it fits. Blobs are never expired on
 * their own account while an image that is kept references them (reference counts over the
 * manifest graph, index children included), so a layer shared by several images stays as long as
 * one of them does. Blobs no kept image references go when unused for the TTL, or first when
 * space is needed. Blobs being read are left for the next run, and so is anything used or stored
 * after the run began.
 */
public final class Janitor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Janitor.class.getName());

    /** What one run removed. */
    public record Report(int imagesRemoved, int blobsRemoved, long bytesFreed, long bytesKept) {
    }

    private final BlobStore store;
    private final RepositoryIndex index;
    private final Leases leases;
    private final CachePolicy policy;
    private final Clock clock;
    private final Consumer<ManifestEntry> onImageRemoved;
    private final Telemetry telemetry;
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cache-janitor");
        t.setDaemon(true);
        return t;
    });

    Janitor(BlobStore store, RepositoryIndex index, Leases leases, CachePolicy policy, Clock clock,
            Telemetry telemetry, Consumer<ManifestEntry> onImageRemoved) {
        this.telemetry = telemetry;
        this.onImageRemoved = onImageRemoved;
        this.store = store;
        this.index = index;
        this.leases = leases;
        this.policy = policy;
        this.clock = clock;
    }

    void start() {
        long every = policy.janitorInterval().toMillis();
        schedule.scheduleWithFixedDelay(() -> {
            try {
                run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "janitor run failed", e);
            }
        }, Math.min(every, 60_000), every, TimeUnit.MILLISECONDS);
    }

    synchronized Report run() {
        long started = clock.millis();
        List<BlobStore.Entry> stored;
        try {
            stored = store.recount(); // the store's figure anew; removals below keep it up to date
        } catch (IOException e) {
            LOG.log(Level.WARNING, "janitor cannot list the store", e);
            return new Report(0, 0, 0, 0);
        }
        Set<Digest> listed = new HashSet<>();
        stored.forEach(b -> listed.add(b.digest()));
        long total = stored.stream().mapToLong(BlobStore.Entry::size).sum();

        // images and what each needs, then how many kept images need each blob
        List<ManifestEntry> images = new ArrayList<>(index.allManifests());
        images.sort(Comparator.comparingLong(ManifestEntry::lastAccess));
        Map<Digest, Set<Digest>> needs = new HashMap<>();
        Map<Digest, Integer> refs = new HashMap<>();
        List<ManifestEntry> kept = new ArrayList<>();
        List<ManifestEntry> removed = new ArrayList<>();
        List<ManifestEntry> unused = new ArrayList<>();
        for (ManifestEntry image : images) {
            if (policy.expires() && started - image.lastAccess() >= policy.ttl().toMillis()) {
                unused.add(image);
            } else {
                kept.add(image);
                needs(image.digest(), needs).forEach(d -> refs.merge(d, 1, Integer::sum));
            }
        }
        for (ManifestEntry image : unused) {
            if (refs.containsKey(image.digest())) {
                continue; // a platform manifest of a kept index: it lives as long as the index
            }
            removed.add(image);
            LOG.info(() -> "janitor: image " + image.repo() + "@" + image.digest() + " unused for "
                    + human(Duration.ofMillis(started - image.lastAccess())) + ", removing it");
        }

        int blobsRemoved = 0;
        long freed = 0;
        // blobs no kept image needs: by TTL of their own last use, oldest first
        List<BlobStore.Entry> loose = stored.stream().filter(b -> !refs.containsKey(b.digest()))
                .sorted(Comparator.comparingLong(BlobStore.Entry::lastAccess)).toList();
        for (BlobStore.Entry b : loose) {
            boolean expired = policy.expires() && started - b.lastAccess() >= policy.ttl().toMillis();
            boolean overLimit = policy.limitsSize() && total - freed > policy.maxSize();
            if (expired || overLimit) {
                long size = remove(b.digest(), started, expired ? "unused for the TTL" : "cache over its size limit");
                if (size >= 0) {
                    blobsRemoved++;
                    freed += size;
                }
            }
        }
        // still over the limit: whole images, least recently used first
        for (ManifestEntry image : kept) {
            if (!policy.limitsSize() || total - freed <= policy.maxSize()) {
                break;
            }
            if (image.lastAccess() >= started) {
                continue;
            }
            removed.add(image);
            LOG.info(() -> "janitor: cache over its limit of " + policy.maxSize() + " bytes, removing least recently used image "
                    + image.repo() + "@" + image.digest());
            for (Digest d : needs(image.digest(), needs)) {
                if (refs.merge(d, -1, Integer::sum) <= 0) {
                    refs.remove(d);
                    long size = listed.contains(d) ? remove(d, started, "its last image was removed") : -1;
                    if (size >= 0) {
                        blobsRemoved++;
                        freed += size;
                    }
                }
            }
        }
        for (ManifestEntry image : removed) {
            index.removeManifest(image.repo(), image.digest());
            onImageRemoved.accept(image);
        }
        Report report = new Report(removed.size(), blobsRemoved, freed, total - freed);
        telemetry.evicted(report.imagesRemoved(), report.blobsRemoved(), report.bytesFreed());
        if (report.imagesRemoved() + report.blobsRemoved() > 0) {
            LOG.info(() -> String.format("janitor: removed %d image(s) and %d blob(s), freed %d bytes; cache holds %d bytes%s",
                    report.imagesRemoved(), report.blobsRemoved(), report.bytesFreed(), report.bytesKept(),
                    policy.limitsSize() ? " of " + policy.maxSize() : ""));
        }
        return report;
    }

    /**
     * Removes a repository's images, or the one with {@code digestOrNull}, at once (an admin's
     * purge): their records (for the whole repository, its tags and blob links too), and the blobs
     * they need that no other image needs. Blobs being read stay until the next run.
     */
    synchronized Report purge(Repository repo, Digest digestOrNull) {
        long started = clock.millis() + 1; // anything touched before now may go
        Map<Digest, Set<Digest>> needs = new HashMap<>();
        List<ManifestEntry> purged = new ArrayList<>();
        Set<Digest> stillNeeded = new HashSet<>();
        for (ManifestEntry image : index.allManifests()) {
            if (image.repo().equals(repo) && (digestOrNull == null || image.digest().equals(digestOrNull))) {
                purged.add(image);
            } else {
                stillNeeded.addAll(needs(image.digest(), needs));
            }
        }
        if (digestOrNull == null) {
            index.removeRepository(repo); // records, tags and links at once: no tag rewritten per image
        }
        Set<Digest> candidates = new LinkedHashSet<>();
        for (ManifestEntry image : purged) {
            if (digestOrNull != null) {
                index.removeManifest(image.repo(), image.digest());
            }
            onImageRemoved.accept(image);
            candidates.addAll(needs(image.digest(), needs));
            LOG.info(() -> "janitor: purged image " + image.repo() + "@" + image.digest());
        }
        int blobs = 0;
        long freed = 0;
        for (Digest d : candidates) {
            long size = stillNeeded.contains(d) ? -1 : remove(d, started, "purged");
            if (size >= 0) {
                blobs++;
                freed += size;
            }
        }
        Report report = new Report(purged.size(), blobs, freed, store.size()); // deletions already counted
        telemetry.evicted(report.imagesRemoved(), report.blobsRemoved(), report.bytesFreed());
        return report;
    }

    /** The manifest itself, its children (for an index) and every blob they reference. */
    private Set<Digest> needs(Digest manifest, Map<Digest, Set<Digest>> memo) {
        Set<Digest> known = memo.get(manifest);
        if (known != null) {
            return known;
        }
        Set<Digest> out = new LinkedHashSet<>();
        out.add(manifest);
        try {
            ManifestFacts facts = ManifestFacts.parse(store.read(manifest), null);
            facts.blobs().forEach(b -> out.add(b.digest()));
            for (Digest child : facts.children()) {
                out.addAll(needs(child, memo));
            }
        } catch (IOException | RuntimeException e) {
            // bytes gone or not a manifest: the image needs nothing more that is here
        }
        memo.put(manifest, out);
        return out;
    }

    /** Deletes a blob unless it is being read or was used after the run began; the bytes freed, or -1 when kept. */
    private long remove(Digest d, long started, String why) {
        if (leases.isLeased(d)) {
            LOG.info(() -> "janitor: keeping " + d + " for now, a client is reading it");
            return -1;
        }
        try {
            if (store.lastAccess(d) >= started) {
                return -1;
            }
            long freed = store.delete(d);
            if (freed >= 0) {
                LOG.info(() -> "janitor: removed blob " + d + " (" + freed + " bytes): " + why);
            }
            return freed;
        } catch (IOException e) {
            LOG.warning("janitor: cannot remove " + d + ": " + e.getMessage());
            return -1;
        }
    }

    static String human(Duration d) {
        long days = d.toDays();
        long hours = d.toHoursPart();
        if (days > 0) {
            return days + "d " + hours + "h";
        }
        return hours > 0 ? hours + "h " + d.toMinutesPart() + "m" : d.toMinutes() + "m " + d.toSecondsPart() + "s";
    }

    @Override
    public void close() {
        schedule.shutdownNow();
    }
}
