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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
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
        String path = AuthFilter.pathOf(request);
        String repository = AuthFilter.repositoryOf(path);
        Response response = map(t, repository);
        if (repository != null && response.getStatus() != 405) {
            // a failed pull counts too: against the repository as the client named it
            String kind = path.contains("/manifests/") ? "manifest" : path.contains("/blobs/") ? "blob" : "tags";
            Callers.served(telemetry, request, "-", repository, kind, "ERROR").accept(0);
        }
        return response;
    }

    private Response map(Throwable t, String repository) {
        if (t instanceof RegistryException e && e.code() == ErrorCode.UNAUTHORIZED) {
            return unauthorized(e, repository);
        }
        if (t instanceof NotAllowedException) {
            return OciErrors.response(FallbackResource.readOnly()); // pushes, deletes, uploads
        }
        if (t instanceof NotFoundException) {
            return OciErrors.response(FallbackResource.noSuchEndpoint());
        }
        return OciErrors.fallback(t, LOG, "unexpected failure");
    }

    /**
     * Content only the mirror's account can fetch: an anonymous caller is asked to log in (which
     * may entitle it), an authenticated one is told it lacks the role.
     */
    private Response unauthorized(RegistryException e, String repository) {
        Caller caller = Callers.of(request);
        if (!caller.isAnonymous()) {
            return OciErrors.response(ErrorCode.DENIED, "this content needs the role " + Roles.PRIVATE);
        }
        return Response.fromResponse(OciErrors.response(e))
                .header("WWW-Authenticate", challenges.bearer(request, repository, null))
                .build();
    }
}
