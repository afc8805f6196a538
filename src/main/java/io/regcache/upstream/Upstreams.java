package io.regcache.upstream;

import io.regcache.config.UpstreamConfig;
import io.regcache.metrics.Telemetry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The configured upstreams, found by the registry host name clients use (or an alias of it). */
public final class Upstreams {
    private final List<Upstream> all;
    private final Map<String, Upstream> byName = new HashMap<>();
    private final Upstream defaultUpstream;

    public Upstreams(List<UpstreamConfig> configs, Duration timeout, Telemetry telemetry) {
        HttpClient http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER) // followed by hand, see UpstreamCaller
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        this.all = configs.stream().map(c -> new Upstream(c, http, timeout, telemetry)).toList();
        this.defaultUpstream = all.stream().filter(u -> u.config().isDefault()).findFirst().orElseThrow();
        for (Upstream u : all) {
            byName.put(u.config().registry(), u);
            u.config().aliases().forEach(alias -> byName.put(alias, u));
        }
    }

    public Optional<Upstream> byHost(String host) {
        return Optional.ofNullable(byName.get(host));
    }

    public Upstream byRegistry(String registry) {
        return byHost(registry).orElseThrow(() -> new IllegalArgumentException("no upstream " + registry));
    }

    public Upstream defaultUpstream() {
        return defaultUpstream;
    }

    public List<Upstream> all() {
        return all;
    }
}
