package io.regcache.ops;

import io.regcache.cache.CacheService;
import io.regcache.metrics.StatusBoard;
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
        register(JacksonFeature.class);
        register(new OpsExceptionMapper());
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        property(CommonProperties.PROVIDER_DEFAULT_DISABLE, "DATASOURCE,DOMSOURCE,RENDEREDIMAGE,SAXSOURCE");
    }

    @Override
    public void close() {
        jobs.close();
    }
}
