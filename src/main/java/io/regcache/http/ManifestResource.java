package io.regcache.http;

import io.regcache.cache.CacheService;
import io.regcache.cache.ManifestResult;
import io.regcache.metrics.Telemetry;
import io.regcache.oci.AcceptedTypes;
import io.regcache.oci.Reference;
import io.regcache.oci.Repository;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** {@code GET|HEAD /v2/<name>/manifests/<tag|digest>}: exact upstream bytes, negotiated by Accept. */
@Singleton
@Path("{name: .+}/manifests/{reference}")
public final class ManifestResource {
    private final CacheService service;
    private final RepositoryRouter router;
    private final Telemetry telemetry;

    @Inject
    public ManifestResource(CacheService service, RepositoryRouter router, Telemetry telemetry) {
        this.telemetry = telemetry;
        this.service = service;
        this.router = router;
    }

    @GET
    public Response get(@PathParam("name") String name, @PathParam("reference") String reference,
                        @QueryParam("ns") String ns, @Context HttpHeaders headers,
                        @Context HttpServletRequest request) {
        Repository repo = router.route(name, ns);
        Reference ref = Reference.parse(reference);
        ManifestResult m = service.getManifest(repo, ref, AcceptedTypes.fromHeaders(headers.getRequestHeader("Accept")), Callers.access(request));
        telemetry.served(repo.registry(), repo.name().value(), "manifest", m.outcome().name(), m.size(), Callers.client(request));
        return respond(m, headers, true);
    }

    @HEAD
    public Response head(@PathParam("name") String name, @PathParam("reference") String reference,
                         @QueryParam("ns") String ns, @Context HttpHeaders headers,
                        @Context HttpServletRequest request) {
        Repository repo = router.route(name, ns);
        Reference ref = Reference.parse(reference);
        ManifestResult m = service.headManifest(repo, ref, AcceptedTypes.fromHeaders(headers.getRequestHeader("Accept")), Callers.access(request));
        return respond(m, headers, false);
    }

    private static Response respond(ManifestResult m, HttpHeaders headers, boolean withBody) {
        if (CacheHeaders.notModified(headers, m.digest())) {
            Response.ResponseBuilder b = Response.notModified();
            CacheHeaders.describe(b, m.digest(), m.outcome(), m.warning());
            return b.build();
        }
        Response.ResponseBuilder b = Response.ok()
                .type(m.mediaType())
                .header("Content-Length", m.size());
        CacheHeaders.describe(b, m.digest(), m.outcome(), m.warning());
        if (withBody) {
            b.entity(m.bytes());
        }
        return b.build();
    }
}
