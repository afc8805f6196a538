package io.regcache.metrics;

import java.util.List;

/**
 * What the mirror reports as it works; observers turn it into Prometheus metrics and the status
 * page. Plain values only, so that every layer can report without knowing the others.
 */
public interface Telemetry {
    /**
     * A response for a pull: {@code kind} manifest, blob or tags; {@code outcome} HIT, MISS, STALE
     * or ERROR; {@code bytes} of body sent; {@code client} the caller's address.
     */
    void served(String upstream, String repository, String kind, String outcome, long bytes, String client);

    /** Bytes fetched from an upstream ({@code kind} manifest or blob). */
    void pulled(String upstream, String kind, long bytes);

    /**
     * One exchange with an upstream: its status (0: no answer), how long it took, and the pull
     * allowance its rate-limit headers announced, else null.
     */
    void upstreamCall(String upstream, int status, long nanos, RateLimit rateLimit);

    /**
     * The same with Docker Hub's rate-limit headers as sent ({@code ratelimit-remaining: 87;w=21600}),
     * or nulls: parsed here, once for all observers.
     */
    default void upstreamCall(String upstream, int status, long nanos, String rateLimitRemaining, String rateLimitLimit) {
        upstreamCall(upstream, status, nanos, RateLimit.parse(rateLimitRemaining, rateLimitLimit));
    }

    /** What a janitor run removed. */
    void evicted(int images, int blobs, long bytes);

    Telemetry NONE = new Telemetry() {
        @Override
        public void served(String upstream, String repository, String kind, String outcome, long bytes, String client) {
        }

        @Override
        public void pulled(String upstream, String kind, long bytes) {
        }

        @Override
        public void upstreamCall(String upstream, int status, long nanos, RateLimit rateLimit) {
        }

        @Override
        public void evicted(int images, int blobs, long bytes) {
        }
    };

    /** Reports to all of them. */
    static Telemetry all(List<Telemetry> observers) {
        return new Telemetry() {
            @Override
            public void served(String upstream, String repository, String kind, String outcome, long bytes, String client) {
                observers.forEach(o -> o.served(upstream, repository, kind, outcome, bytes, client));
            }

            @Override
            public void pulled(String upstream, String kind, long bytes) {
                observers.forEach(o -> o.pulled(upstream, kind, bytes));
            }

            @Override
            public void upstreamCall(String upstream, int status, long nanos, RateLimit rateLimit) {
                observers.forEach(o -> o.upstreamCall(upstream, status, nanos, rateLimit));
            }

            @Override
            public void evicted(int images, int blobs, long bytes) {
                observers.forEach(o -> o.evicted(images, blobs, bytes));
            }
        };
    }
}
