package io.regcache.cache;

/** How a response was produced: from the cache, from the upstream, or from the cache while the upstream failed. */
public enum CacheOutcome {
    HIT,
    MISS,
    STALE
}
