package io.regcache.http;

import io.regcache.cache.BlobResult;
import io.regcache.cache.CacheService;
import io.regcache.metrics.Telemetry;
import io.regcache.oci.Digest;
import io.regcache.oci.MediaTypes;
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
import java.util.function.LongConsumer;

/** {@code GET|HEAD /v2/<name>/blobs/<digest>}: streamed, with single-range support. */
@Singleton
@Path("{name: .+}/blobs/{digest}")
public final class BlobResource {
    private final CacheService service;
    private final RepositoryRouter router;
    private final Telemetry telemetry;

    @Inject
    public BlobResource(CacheService service, RepositoryRouter router, Telemetry telemetry) {
        this.telemetry = telemetry;
        this.service = service;
        this.router = router;
    }

    @GET
    public Response get(@PathParam("name") String name, @PathParam("digest") String digest,
                        @QueryParam("ns") String ns, @Context HttpHeaders headers,
                        @Context HttpServletRequest request) {
        Repository repo = router.route(name, ns);
        Digest d = Digest.parse(digest);
        ByteRange range = ByteRange.parse(headers.getHeaderString("Range")); // malformed: refused before any work
        if (CacheHeaders.notModified(headers, d)) {
            BlobResult known = service.headBlob(repo, d, Callers.access(request));
            return described(Response.notModified(), known).build();
        }
        BlobResult blob = service.getBlob(repo, d, Callers.access(request));
        long size = blob.size();
        LongConsumer sent = Callers.served(telemetry, request, repo, "blob", blob.outcome());
        if (range == null || size < 0) {
            return whole(blob).entity(new BlobBody(blob.content(), 0, -1, sent)).build();
        }
        ByteRange.Span span = range.resolve(size);
        return described(Response.status(206), blob)
                .header("Content-Range", span.contentRange(size))
                .header("Content-Length", span.length())
                .entity(new BlobBody(blob.content(), span.start(), span.length(), sent))
                .build();
    }

    @HEAD
    public Response head(@PathParam("name") String name, @PathParam("digest") String digest,
                         @QueryParam("ns") String ns, @Context HttpServletRequest request) {
        Repository repo = router.route(name, ns);
        return whole(service.headBlob(repo, Digest.parse(digest), Callers.access(request))).build();
    }

    /** A 200 for the whole blob; its length when known. */
    private static Response.ResponseBuilder whole(BlobResult blob) {
        Response.ResponseBuilder b = described(Response.ok(), blob);
        if (blob.size() >= 0) {
            b.header("Content-Length", blob.size());
        }
        return b;
    }

    private static Response.ResponseBuilder described(Response.ResponseBuilder b, BlobResult blob) {
        CacheHeaders.describe(b, blob.digest(), blob.outcome(), null);
        // immutable content; no-transform keeps proxies and the container from compressing it
        return b.type(MediaTypes.OCTET_STREAM)
                .header("Accept-Ranges", "bytes")
                .header("Cache-Control", "max-age=31536000, no-transform");
    }
}
