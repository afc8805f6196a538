package io.regcache.metrics;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The figures of the status page, kept in memory since start: totals, a per-minute history of
 * the last two hours (the hit-ratio chart), the most pulled repositories, the latest pulls, and
 * what each upstream last answered (with Docker Hub's pull allowance).
 */
public final class StatusBoard implements Telemetry {
    static final int MINUTES = 120;
    static final int RECENT = 50;
    static final int MAX_REPOSITORIES = 10_000;

    /** One minute of traffic. */
    public record Minute(long start, long hits, long misses, long stale, long errors, long servedBytes, long pulledBytes) {
    }

    /** A pull as the page lists it. */
    public record Pull(long time, String repository, String kind, String outcome, long bytes, String client) {
    }

    /** A repository's share of the traffic. */
    public record RepositoryStats(String repository, long pulls, long bytes) {
    }

    /** What an upstream last answered. */
    public record UpstreamState(int lastStatus, long lastOkAt, long lastErrorAt, RateLimit rateLimit) {
        public boolean reachable() {
            return lastStatus > 0 && lastStatus < 500;
        }
    }

    /** Everything the page shows, at one moment. */
    public record Snapshot(long now, long startedAt, long hits, long misses, long stale, long errors, long servedBytes,
                           long pulledBytes, List<Minute> history, List<RepositoryStats> top, List<Pull> recent,
                           Map<String, UpstreamState> upstreams) {
        public long savedBytes() {
            return Math.max(0, servedBytes - pulledBytes);
        }
    }

    private static final class Bucket {
        final long start;
        final LongAdder hits = new LongAdder();
        final LongAdder misses = new LongAdder();
        final LongAdder stale = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder served = new LongAdder();
        final LongAdder pulled = new LongAdder();

        Bucket(long start) {
            this.start = start;
        }

        Minute freeze() {
            return new Minute(start, hits.sum(), misses.sum(), stale.sum(), errors.sum(), served.sum(), pulled.sum());
        }
    }

    private static final class Counts {
        final LongAdder pulls = new LongAdder();
        final LongAdder bytes = new LongAdder();
    }

    private final Clock clock;
    private final long startedAt;
    private final Bucket[] ring = new Bucket[MINUTES];
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder stale = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder served = new LongAdder();
    private final LongAdder pulled = new LongAdder();
    private final ConcurrentHashMap<String, Counts> repositories = new ConcurrentHashMap<>();
    private final ArrayDeque<Pull> recent = new ArrayDeque<>();
    private final ConcurrentHashMap<String, UpstreamState> upstreams = new ConcurrentHashMap<>();

    public StatusBoard(Clock clock) {
        this.clock = clock;
        this.startedAt = clock.millis();
    }

    private Bucket bucket(long now) {
        long start = now - now % 60_000;
        int slot = (int) ((start / 60_000) % MINUTES);
        synchronized (ring) {
            Bucket b = ring[slot];
            if (b == null || b.start != start) {
                b = new Bucket(start);
                ring[slot] = b;
            }
            return b;
        }
    }

    @Override
    public void served(String upstream, String repository, String kind, String outcome, long bytes, String client) {
        long now = clock.millis();
        Bucket b = bucket(now);
        switch (outcome) {
            case "HIT" -> {
                hits.increment();
                b.hits.increment();
            }
            case "MISS" -> {
                misses.increment();
                b.misses.increment();
            }
            case "STALE" -> {
                stale.increment();
                b.stale.increment();
            }
            default -> {
                errors.increment();
                b.errors.increment();
            }
        }
        served.add(bytes);
        b.served.add(bytes);
        String name = upstream + "/" + repository;
        Counts c = repositories.get(name);
        if (c == null && repositories.size() < MAX_REPOSITORIES) {
            c = repositories.computeIfAbsent(name, k -> new Counts());
        }
        if (c != null) {
            c.pulls.increment();
            c.bytes.add(bytes);
        }
        synchronized (recent) {
            recent.addFirst(new Pull(now, name, kind, outcome, bytes, client));
            while (recent.size() > RECENT) {
                recent.removeLast();
            }
        }
    }

    @Override
    public void pulled(String upstream, String kind, long bytes) {
        pulled.add(bytes);
        bucket(clock.millis()).pulled.add(bytes);
    }

    @Override
    public void upstreamCall(String upstream, int status, long nanos, RateLimit rateLimit) {
        long now = clock.millis();
        upstreams.compute(upstream, (k, old) -> {
            boolean ok = status > 0 && status < 500 && status != 429;
            return new UpstreamState(status,
                    ok ? now : old == null ? 0 : old.lastOkAt(),
                    ok ? (old == null ? 0 : old.lastErrorAt()) : now,
                    rateLimit != null ? rateLimit : old == null ? null : old.rateLimit());
        });
    }

    @Override
    public void evicted(int images, int blobs, long bytes) {
        // shown through the metrics; the page shows what is kept
    }

    public Snapshot snapshot() {
        long now = clock.millis();
        List<Minute> history = new ArrayList<>();
        long oldest = now - now % 60_000 - (MINUTES - 1) * 60_000L;
        synchronized (ring) {
            for (Bucket b : ring) {
                if (b != null && b.start >= oldest) {
                    history.add(b.freeze());
                }
            }
        }
        history.sort(Comparator.comparingLong(Minute::start));
        List<RepositoryStats> top = repositories.entrySet().stream()
                .map(e -> new RepositoryStats(e.getKey(), e.getValue().pulls.sum(), e.getValue().bytes.sum()))
                .sorted(Comparator.comparingLong(RepositoryStats::pulls).reversed().thenComparing(RepositoryStats::repository))
                .limit(10).toList();
        List<Pull> latest;
        synchronized (recent) {
            latest = List.copyOf(recent);
        }
        return new Snapshot(now, startedAt, hits.sum(), misses.sum(), stale.sum(), errors.sum(), served.sum(), pulled.sum(),
                history, top, latest, Map.copyOf(upstreams));
    }
}
