package io.regcache.ops;

import io.regcache.cache.CacheService;
import io.regcache.metrics.StatusBoard;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import org.glassfish.jersey.CommonProperties;
import org.glassfish.jersey.internal.inject.AbstractBinder;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/** {@code /api/}: the status page's data and the admin actions. */
public final class OpsApplication extends ResourceConfig implements AutoCloseable {
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
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        property(CommonProperties.PROVIDER_DEFAULT_DISABLE, "DATASOURCE,DOMSOURCE,RENDEREDIMAGE,SAXSOURCE");
    }

    @Override
    public void close() {
        jobs.close();
    }
}
