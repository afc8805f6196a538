package io.regcache.http;

import io.regcache.cache.CacheService;
import io.regcache.config.UpstreamConfig;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import io.regcache.oci.Repository;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides which upstream a request is for. In order: a first path component naming a configured
 * registry ({@code /v2/ghcr.io/owner/app/…}), then containerd's {@code ?ns=<registry>}, then the
 * default upstream (what a Docker daemon's {@code registry-mirrors} sends).
 */
final class RepositoryRouter {
    static final Pattern HOST = Pattern.compile(
            "[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,62})(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,62}))*(?::[0-9]{1,5})?");

    private final CacheService service;

    RepositoryRouter(CacheService service) {
        this.service = service;
    }

    /** {@code name} is never empty: the resources' path templates match {@code .+}. */
    Repository route(String name, String ns) {
        Optional<Repository> prefixed = service.prefixed(name);
        if (prefixed.isPresent()) {
            return prefixed.get();
        }
        if (ns != null && !ns.isEmpty()) {
            if (!isHost(ns)) {
                throw new RegistryException(ErrorCode.NAME_INVALID, "invalid ns parameter");
            }
            UpstreamConfig upstream = service.upstreamFor(ns).orElseThrow(() ->
                    new RegistryException(ErrorCode.NAME_UNKNOWN, "registry " + ns + " is not mirrored here"));
            return service.repository(upstream, name);
        }
        return service.repository(service.defaultUpstream(), name);
    }

    static boolean isHost(String s) {
        return s != null && s.length() <= 255 && HOST.matcher(s).matches();
    }
}
