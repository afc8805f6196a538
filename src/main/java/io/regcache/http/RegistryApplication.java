package io.regcache.http;

import io.regcache.auth.Challenges;
import io.regcache.cache.CacheService;
import io.regcache.metrics.Telemetry;
import org.glassfish.jersey.internal.inject.AbstractBinder;
import org.glassfish.jersey.server.ServerProperties;

/** The {@code /v2/} API: resources wired to the one cache service, plus error mapping and blob streaming. */
public final class RegistryApplication extends LeanApplication {
    public RegistryApplication(CacheService service, Challenges challenges, Telemetry telemetry) {
        RepositoryRouter router = new RepositoryRouter(service);
        register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(service).to(CacheService.class);
                bind(router).to(RepositoryRouter.class);
                bind(telemetry).to(Telemetry.class);
            }
        });
        register(PingResource.class);
        register(ManifestResource.class);
        register(BlobResource.class);
        register(TagsResource.class);
        register(FallbackResource.class);
        register(new RegistryExceptionMapper(challenges, telemetry));
        register(new BlobBodyWriter());
        // responses set Content-Length themselves; buffering would only delay the first byte
        property(ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0);
        property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
    }
}
