package io.regcache.cache;

import io.regcache.upstream.Upstream;
import io.regcache.upstream.Upstreams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether the mirror can work: storage writable (else it is down), and each upstream reachable
 * (else it is degraded, not down: the cache still serves). Upstreams are pinged at most every 30
 * seconds, however often health is asked for; their {@code GET /v2/} costs no Docker Hub pull.
 */
public final class HealthCheck {
    private static final long UPSTREAM_CHECK_MILLIS = 30_000;

    /** The verdict. */
    public record Health(boolean storageWritable, Map<String, Boolean> upstreamsReachable) {
        public String status() {
            if (!storageWritable) {
                return "DOWN";
            }
            return upstreamsReachable.containsValue(false) ? "DEGRADED" : "UP";
        }
    }

    private final Path probeDir;
    private final Upstreams upstreams;
    private final Clock clock;
    private Map<String, Boolean> lastUpstreams;
    private long checkedAt;

    HealthCheck(Path storageRoot, Upstreams upstreams, Clock clock) {
        this.probeDir = storageRoot.resolve("tmp");
        this.upstreams = upstreams;
        this.clock = clock;
    }

    synchronized Health check() {
        return new Health(storageWritable(), upstreams());
    }

    private boolean storageWritable() {
        try {
            Path probe = Files.createTempFile(probeDir, "health", ".probe");
            Files.write(probe, new byte[] {1});
            Files.delete(probe);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private Map<String, Boolean> upstreams() {
        long now = clock.millis();
        if (lastUpstreams == null || now - checkedAt > UPSTREAM_CHECK_MILLIS) {
            Map<String, Boolean> result = new LinkedHashMap<>();
            for (Upstream u : upstreams.all()) {
                result.put(u.registry(), u.ping());
            }
            lastUpstreams = Map.copyOf(result);
            checkedAt = now;
        }
        return lastUpstreams;
    }
}
