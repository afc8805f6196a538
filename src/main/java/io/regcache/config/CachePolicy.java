package io.regcache.config;

import java.time.Duration;

/**
 * How long and how much the mirror keeps, and how it treats the upstream.
 *
 * @param ttl             an image unused this long is removed (zero: never)
 * @param tagWindow       a tag resolved this recently is served without asking the upstream (zero: always ask)
 * @param maxSize         the most bytes the cache may hold, least recently used images go first (-1: no limit)
 * @param upstreamTimeout how long to wait for an upstream's answer before treating it as down
 * @param janitorInterval how often expiry and the size limit are enforced
 */
public record CachePolicy(Duration ttl, Duration tagWindow, long maxSize, Duration upstreamTimeout,
                          Duration janitorInterval) {

    public static final Duration DEFAULT_TTL = Duration.ofHours(168);

    public static CachePolicy defaults() {
        return new CachePolicy(DEFAULT_TTL, Duration.ZERO, -1, Duration.ofSeconds(30), Duration.ofMinutes(10));
    }

    public boolean expires() {
        return !ttl.isZero();
    }

    /** How precisely last use is recorded: a minute, or finer for short TTLs. */
    public Duration accessGranularity() {
        Duration quarter = ttl.dividedBy(4);
        return expires() && quarter.compareTo(Duration.ofMinutes(1)) < 0 ? quarter : Duration.ofMinutes(1);
    }

    public boolean limitsSize() {
        return maxSize >= 0;
    }
}
