package io.regcache.config;

import java.nio.file.Path;
import java.util.List;

/** The mirror's validated configuration. */
public record MirrorConfig(Path storageRoot, List<UpstreamConfig> upstreams, CachePolicy policy,
                           SecurityConfig security, String source) {

    /** True when some upstream is reached with an account: content exists that not everyone may see. */
    public boolean holdsPrivateAccess() {
        return upstreams.stream().anyMatch(UpstreamConfig::hasCredentials);
    }

    public UpstreamConfig defaultUpstream() {
        return upstreams.stream().filter(UpstreamConfig::isDefault).findFirst().orElseThrow();
    }
}
