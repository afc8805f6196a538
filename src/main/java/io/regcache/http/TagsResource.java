package io.regcache.http;

import io.regcache.cache.CacheService;
import io.regcache.cache.TagList;
import io.regcache.metrics.Telemetry;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import io.regcache.oci.Repository;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** {@code GET /v2/<name>/tags/list?n=&last=}: proxied from the upstream, paged with {@code Link}. */
@Singleton
@Path("{name: .+}/tags/list")
public final class TagsResource {
    private final CacheService service;
    private final RepositoryRouter router;
    private final Telemetry telemetry;

    @Inject
    public TagsResource(CacheService service, RepositoryRouter router, Telemetry telemetry) {
        this.telemetry = telemetry;
        this.service = service;
        this.router = router;
    }

    @GET
    public Response list(@PathParam("name") String name, @QueryParam("ns") String ns,
                         @QueryParam("n") String n, @QueryParam("last") String last,
                         @Context HttpServletRequest request) {
        Repository repo = router.route(name, ns);
        TagList page = service.listTags(repo, parseN(n), last, Callers.access(request));
        Callers.served(telemetry, request, repo, "tags", page.outcome()).accept(page.json().length);
        Response.ResponseBuilder b = Response.ok(page.json(), "application/json")
                .header("Content-Length", page.json().length)
                .header("X-Cache", page.outcome().name());
        if (page.nextQuery() != null) {
            // the next page, addressed the way this client addressed the repository
            String query = page.nextQuery() + (ns == null || ns.isEmpty() ? "" : "&ns=" + URLEncoder.encode(ns, StandardCharsets.UTF_8));
            b.header("Link", "</v2/" + name + "/tags/list?" + CacheHeaders.sanitize(query) + ">; rel=\"next\"");
        }
        return b.build();
    }

    private static Integer parseN(String n) {
        if (n == null || n.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(n);
        } catch (NumberFormatException e) {
            throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID, "n must be a number between 0 and " + CacheService.MAX_TAGS_PAGE);
        }
    }
}
