package io.regcache.config;

import java.nio.file.Path;
import java.util.List;

/** The mirror's validated configuration. */
public record MirrorConfig(Path storageRoot, List<UpstreamConfig> upstreams, CachePolicy policy, String source) {

    public UpstreamConfig defaultUpstream() {
        return upstreams.stream().filter(UpstreamConfig::isDefault).findFirst().orElseThrow();
    }
}
