package io.regcache.http;

import io.regcache.auth.Caller;
import io.regcache.cache.CacheOutcome;
import io.regcache.metrics.Telemetry;
import io.regcache.oci.Access;
import io.regcache.oci.Repository;
import jakarta.servlet.http.HttpServletRequest;
import java.util.function.LongConsumer;

/** The caller and client address the AuthFilter established for this request. */
final class Callers {
    private Callers() {
    }

    static Caller of(HttpServletRequest request) {
        Object c = request.getAttribute(Caller.ATTRIBUTE);
        return c instanceof Caller caller ? caller : Caller.ANONYMOUS;
    }

    static Access access(HttpServletRequest request) {
        return of(request).access();
    }

    /** Reports a pull's response to {@code telemetry} once its body size is known. */
    static LongConsumer served(Telemetry telemetry, HttpServletRequest request, Repository repo, String kind, CacheOutcome outcome) {
        return served(telemetry, request, repo.registry(), repo.name().value(), kind, outcome.name());
    }

    static LongConsumer served(Telemetry telemetry, HttpServletRequest request, String upstream, String repository, String kind,
                               String outcome) {
        String client = (String) request.getAttribute(Caller.CLIENT_ATTRIBUTE); // read now: a blob body ends later
        return bytes -> telemetry.served(upstream, repository, kind, outcome, bytes, client);
    }
}
