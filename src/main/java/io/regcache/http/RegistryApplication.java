package io.regcache.http;

import io.regcache.cache.CacheService;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/** The {@code /v2/} API: resources wired to the one cache service, plus error mapping and blob streaming. */
public final class RegistryApplication extends ResourceConfig {
    public RegistryApplication(CacheService service) {
        RepositoryRouter router = new RepositoryRouter(service);
        register(new PingResource());
        register(new ManifestResource(service, router));
        register(new BlobResource(service, router));
        register(new TagsResource(service, router));
        register(new FallbackResource());
        register(new RegistryExceptionMapper());
        register(new BlobBodyWriter());
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        // responses set Content-Length themselves; buffering would only delay the first byte
        property(ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0);
        property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
    }
}
