package io.regcache.http;

import io.regcache.auth.Caller;
import io.regcache.oci.Access;
import jakarta.servlet.http.HttpServletRequest;

/** The caller the AuthFilter established for this request. */
final class Callers {
    private Callers() {
    }

    static Caller of(HttpServletRequest request) {
        Object c = request.getAttribute(Caller.ATTRIBUTE);
        return c instanceof Caller caller ? caller : Caller.ANONYMOUS;
    }

    static String client(HttpServletRequest request) {
        Object c = request.getAttribute(Caller.CLIENT_ATTRIBUTE);
        return c == null ? request.getRemoteAddr() : c.toString();
    }

    static Access access(HttpServletRequest request) {
        return of(request).access();
    }
}
