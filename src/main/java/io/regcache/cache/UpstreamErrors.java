package io.regcache.cache;

import io.regcache.oci.Access;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import io.regcache.upstream.Upstream;
import io.regcache.upstream.UpstreamException;
import java.util.Map;

/**
 * The one place that decides what a client sees when the upstream did not deliver, and with which
 * access the upstream is asked.
 */
final class UpstreamErrors {
    private UpstreamErrors() {
    }

    /** The account is only "used" where one is configured: elsewhere everything is fetched anonymously. */
    static Access effective(Upstream up, Access requested) {
        return up.config().hasCredentials() ? requested : Access.ANONYMOUS;
    }

    static RegistryException toClient(UpstreamException e, ErrorCode notFound) {
        return toClient(e, notFound, false);
    }

    /**
     * As above, for a caller that asked {@code up} with {@code access}: when that was anonymously and
     * the mirror holds an account there, a denial asks the client to authenticate (401) instead of
     * "not found".
     */
    static RegistryException toClient(UpstreamException e, ErrorCode notFound, Upstream up, Access access) {
        return toClient(e, notFound, access == Access.ANONYMOUS && up.config().hasCredentials());
    }

    private static RegistryException toClient(UpstreamException e, ErrorCode notFound, boolean credentialsMightHelp) {
        if (credentialsMightHelp && e.kind() == UpstreamException.Kind.DENIED) {
            return new RegistryException(ErrorCode.UNAUTHORIZED, 401,
                    "authentication required: the upstream does not serve this without an account");
        }
        return switch (e.kind()) {
            case NOT_FOUND -> new RegistryException(notFound, e.getMessage());
            // Docker Hub answers 401 for repositories that do not exist as well as for private ones
            case DENIED -> new RegistryException(ErrorCode.NAME_UNKNOWN, 404,
                    e.getMessage() + "; the repository does not exist or needs other credentials");
            case RATE_LIMITED -> new RegistryException(ErrorCode.TOOMANYREQUESTS, 429, e.getMessage(),
                    e.retryAfter() == null ? Map.of() : Map.of("Retry-After", e.retryAfter()));
            case SERVER_ERROR -> new RegistryException(ErrorCode.UNAVAILABLE, 502, e.getMessage());
            case UNREACHABLE -> new RegistryException(ErrorCode.UNAVAILABLE, 503, e.getMessage());
            case BAD_RESPONSE -> new RegistryException(ErrorCode.UNKNOWN, 502, e.getMessage());
        };
    }
}
