package io.regcache.ops;

import io.regcache.cache.CacheService;
import io.regcache.http.LeanApplication;
import io.regcache.metrics.StatusBoard;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import org.glassfish.jersey.internal.inject.AbstractBinder;
import org.glassfish.jersey.jackson.JacksonFeature;

/** {@code /api/}: the status page's data and the admin actions. */
public final class OpsApplication extends LeanApplication implements AutoCloseable {
    private final PrefetchJobs jobs;

    public OpsApplication(CacheService service, StatusBoard board) {
        this.jobs = new PrefetchJobs(service);
        register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(service).to(CacheService.class);
                bind(board).to(StatusBoard.class);
                bind(jobs).to(PrefetchJobs.class);
            }
        });
        register(OpsResource.class);
        // malformed JSON leaves as the API's own error JSON (OpsExceptionMapper), not as Jackson's text
        register(JacksonFeature.withoutExceptionMappers());
        register(new OpsExceptionMapper());
        // figures change every second, and the admin's are not for shared caches
        register((ContainerResponseFilter) (request, response) ->
                response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, "no-store"));
    }

    @Override
    public void close() {
        jobs.close();
    }
}
