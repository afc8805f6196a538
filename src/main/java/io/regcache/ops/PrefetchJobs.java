package io.regcache.ops;

import io.regcache.cache.CacheService;
import io.regcache.cache.Prefetcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/** Prefetch requests run one after another in the background; the latest are kept to be looked at. */
final class PrefetchJobs implements AutoCloseable {
    private static final int KEPT = 20;

    /** A prefetch request and how far it got. */
    record Job(long id, List<String> images, List<Prefetcher.Result> results, long createdAt) {
        String state() {
            return results.size() == images.size() ? "done" : "running";
        }
    }

    private final CacheService service;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Job> jobs = new LinkedHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "prefetch");
        t.setDaemon(true);
        return t;
    });

    PrefetchJobs(CacheService service) {
        this.service = service;
    }

    synchronized Job submit(List<String> images) {
        Job job = new Job(ids.incrementAndGet(), List.copyOf(images), new CopyOnWriteArrayList<>(), System.currentTimeMillis());
        jobs.put(job.id(), job);
        while (jobs.size() > KEPT) {
            jobs.remove(jobs.keySet().iterator().next());
        }
        worker.execute(() -> {
            for (String image : job.images()) {
                job.results().add(service.prefetch(image));
            }
        });
        return job;
    }

    synchronized Job get(long id) {
        return jobs.get(id);
    }

    synchronized List<Job> all() {
        return new ArrayList<>(jobs.values());
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
