package io.regcache.http;

import io.regcache.auth.AuthFilter;
import io.regcache.auth.Caller;
import io.regcache.auth.Challenges;
import io.regcache.auth.Roles;
import io.regcache.metrics.Telemetry;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every failure leaves as OCI error JSON: registry errors as they are, the rest mapped by kind. */
final class RegistryExceptionMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(RegistryExceptionMapper.class.getName());

    private final Challenges challenges;
    private final Telemetry telemetry;

    @Context
    private HttpServletRequest request;

    RegistryExceptionMapper(Challenges challenges, Telemetry telemetry) {
        this.challenges = challenges;
        this.telemetry = telemetry;
    }

    @Override
    public Response toResponse(Throwable t) {
        Response response = map(t);
        report(response.getStatus());
        return response;
    }

    /** A failed pull counts too: against the repository as the client named it. */
    private void report(int status) {
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        String repository = AuthFilter.repositoryOf(path);
        if (repository == null || status == 405) {
            return;
        }
        String kind = path.contains("/manifests/") ? "manifest" : path.contains("/blobs/") ? "blob" : "tags";
        telemetry.served("-", repository, kind, "ERROR", 0, Callers.client(request));
    }

    private Response map(Throwable t) {
        if (t instanceof RegistryException e && e.code() == ErrorCode.UNAUTHORIZED) {
            return unauthorized(e);
        }
        if (t instanceof RegistryException e) {
            return OciErrors.response(e);
        }
        if (t instanceof NotAllowedException) {
            // pushes, deletes, uploads: a mirror is read-only
            return OciErrors.response(ErrorCode.UNSUPPORTED, "this registry is a read-only mirror; the operation is unsupported");
        }
        if (t instanceof NotFoundException) {
            return OciErrors.response(ErrorCode.NAME_UNKNOWN, "no such registry API endpoint");
        }
        if (t instanceof WebApplicationException w && w.getResponse().getStatus() < 500) {
            return OciErrors.response(new RegistryException(ErrorCode.UNSUPPORTED, w.getResponse().getStatus(),
                    w.getMessage(), null, java.util.Map.of()));
        }
        LOG.log(Level.SEVERE, "unexpected failure", t);
        return OciErrors.response(ErrorCode.UNKNOWN, "internal error: " + t.getClass().getSimpleName());
    }

    /**
     * Content only the mirror's account can fetch: an anonymous caller is asked to log in (which
     * may entitle it), an authenticated one is told it lacks the role.
     */
    private Response unauthorized(RegistryException e) {
        Caller caller = Callers.of(request);
        if (!caller.isAnonymous()) {
            return OciErrors.response(ErrorCode.DENIED, "this content needs the role " + Roles.PRIVATE);
        }
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        return Response.fromResponse(OciErrors.response(e))
                .header("WWW-Authenticate", challenges.bearer(request, AuthFilter.repositoryOf(path), null))
                .build();
    }
}
