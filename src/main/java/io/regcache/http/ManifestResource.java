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
        return manifest(name, reference, ns, headers, request, true);
    }

    @HEAD
    public Response head(@PathParam("name") String name, @PathParam("reference") String reference,
                         @QueryParam("ns") String ns, @Context HttpHeaders headers,
                         @Context HttpServletRequest request) {
        return manifest(name, reference, ns, headers, request, false);
    }

    private Response manifest(String name, String reference, String ns, HttpHeaders headers, HttpServletRequest request,
                              boolean withBody) {
        Repository repo = router.route(name, ns);
        Reference ref = Reference.parse(reference);
        AcceptedTypes accepted = AcceptedTypes.fromHeaders(headers.getRequestHeader("Accept"));
        ManifestResult m;
        if (withBody) {
            m = service.getManifest(repo, ref, accepted, Callers.access(request));
            Callers.served(telemetry, request, repo, "manifest", m.outcome()).accept(m.size());
        } else {
            m = service.headManifest(repo, ref, accepted, Callers.access(request));
        }
        boolean held = CacheHeaders.notModified(headers, m.digest());
        Response.ResponseBuilder b = held ? Response.notModified()
                : Response.ok().type(m.mediaType()).header("Content-Length", m.size());
        CacheHeaders.describe(b, m.digest(), m.outcome(), m.warning());
        if (withBody && !held) {
            b.entity(m.bytes());
        }
        return b.build();
    }
}
