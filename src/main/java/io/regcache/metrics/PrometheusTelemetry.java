package io.regcache.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;

/**
 * The mirror's Prometheus metrics, in a registry of its own (several mirrors in one container do
 * not mix). Labels are upstream, kind and outcome only — never repository names, which would be
 * unbounded and may be private.
 */
public final class PrometheusTelemetry implements Telemetry {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("regcache_requests_total")
            .help("Pull requests served, by upstream, kind (manifest, blob, tags) and outcome (HIT, MISS, STALE, ERROR)")
            .labelNames("upstream", "kind", "outcome").register(registry);
    private final Counter servedBytes = Counter.builder().name("regcache_served_bytes_total")
            .help("Body bytes sent to clients").labelNames("upstream", "kind").register(registry);
    private final Counter pulledBytes = Counter.builder().name("regcache_pulled_bytes_total")
            .help("Bytes fetched from upstreams").labelNames("upstream", "kind").register(registry);
    private final Histogram upstreamLatency = Histogram.builder().name("regcache_upstream_request_duration_seconds")
            .help("Time to an upstream's answer (headers), per upstream").labelNames("upstream")
            .classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(registry);
    private final Counter upstreamErrors = Counter.builder().name("regcache_upstream_errors_total")
            .help("Upstream exchanges that failed: no answer, 5xx, or 429").labelNames("upstream", "reason").register(registry);
    private final Counter rateLimited = Counter.builder().name("regcache_upstream_rate_limited_total")
            .help("429 answers from upstreams").labelNames("upstream").register(registry);
    private final Gauge allowance = Gauge.builder().name("regcache_upstream_ratelimit_remaining")
            .help("Pulls left in the upstream's rate-limit window (Docker Hub's ratelimit-remaining)").labelNames("upstream")
            .register(registry);
    private final Gauge allowanceLimit = Gauge.builder().name("regcache_upstream_ratelimit_limit")
            .help("Pulls allowed per rate-limit window (Docker Hub's ratelimit-limit)").labelNames("upstream").register(registry);
    private final Counter evictedImages = Counter.builder().name("regcache_evicted_images_total")
            .help("Images removed by the janitor").register(registry);
    private final Counter evictedBlobs = Counter.builder().name("regcache_evicted_blobs_total")
            .help("Blobs removed by the janitor").register(registry);
    private final Counter evictedBytes = Counter.builder().name("regcache_evicted_bytes_total")
            .help("Bytes freed by the janitor").register(registry);

    public PrometheusRegistry registry() {
        return registry;
    }

    /** A gauge read when scraped. */
    public void gauge(String name, String help, LongSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
    }

    @Override
    public void served(String upstream, String repository, String kind, String outcome, long bytes, String client) {
        requests.labelValues(upstream, kind, outcome).inc();
        if (bytes > 0) {
            servedBytes.labelValues(upstream, kind).inc(bytes);
        }
    }

    @Override
    public void pulled(String upstream, String kind, long bytes) {
        pulledBytes.labelValues(upstream, kind).inc(bytes);
    }

    @Override
    public void upstreamCall(String upstream, int status, long nanos, RateLimit rateLimit) {
        if (status > 0) {
            upstreamLatency.labelValues(upstream).observe(nanos / 1e9);
        }
        if (status == 0) {
            upstreamErrors.labelValues(upstream, "unreachable").inc();
        } else if (status == 429) {
            upstreamErrors.labelValues(upstream, "rate_limited").inc();
            rateLimited.labelValues(upstream).inc();
        } else if (status >= 500) {
            upstreamErrors.labelValues(upstream, "server_error").inc();
        }
        if (rateLimit != null) {
            allowance.labelValues(upstream).set(rateLimit.remaining());
            allowanceLimit.labelValues(upstream).set(rateLimit.limit());
        }
    }

    @Override
    public void evicted(int images, int blobs, long bytes) {
        evictedImages.inc(images);
        evictedBlobs.inc(blobs);
        evictedBytes.inc(bytes);
    }
}
