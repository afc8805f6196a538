package io.regcache.http;

import org.glassfish.jersey.CommonProperties;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/** A Jersey application without what none of the mirror's APIs uses: WADL, and the XML and image providers. */
public abstract class LeanApplication extends ResourceConfig {
    protected LeanApplication() {
        // default providers for types the APIs never use (and whose classes are absent)
        property(CommonProperties.PROVIDER_DEFAULT_DISABLE, "DATASOURCE,DOMSOURCE,RENDEREDIMAGE,SAXSOURCE");
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
    }
}
