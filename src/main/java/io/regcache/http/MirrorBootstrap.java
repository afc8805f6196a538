package io.regcache.http;

import io.regcache.auth.AuthFilter;
import io.regcache.auth.Authenticator;
import io.regcache.auth.Challenges;
import io.regcache.auth.ClientNetwork;
import io.regcache.auth.LoginThrottle;
import io.regcache.auth.PullTokens;
import io.regcache.auth.TokenServlet;
import io.regcache.cache.CacheService;
import io.regcache.config.ConfigLoader;
import io.regcache.config.MirrorConfig;
import io.regcache.config.SecurityConfig;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * Starts the mirror with the web application: reads the configuration, creates the cache service
 * and mounts the {@code /v2/} API on it. Wiring happens here, at the edge, so that nothing deeper
 * looks anything up. A configuration error stops the application with the file and line named.
 */
public final class MirrorBootstrap implements ServletContextListener {
    private static final Logger LOG = Logger.getLogger(MirrorBootstrap.class.getName());
    public static final String SERVICE_ATTRIBUTE = CacheService.class.getName();

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        // The JDK's HTTP client reads 16 KiB at a time unless told otherwise; 256 KiB takes blob
        // downloads from ~1.8 to ~2.5 GB/s on loopback. Read once per JVM, so set before first use,
        // and never over an operator's own choice.
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", String.valueOf(256 * 1024));
        }
        CacheService service;
        try {
            MirrorConfig config = ConfigLoader.loadFromEnvironment();
            service = new CacheService(config);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "regcache cannot start: " + e.getMessage());
            throw e;
        }
        ctx.setAttribute(SERVICE_ATTRIBUTE, service);

        // who may pull: users and roles are the container's; tokens and the edge are ours
        SecurityConfig security = service.config().security();
        ClientNetwork network = new ClientNetwork(security);
        PullTokens tokens = new PullTokens(security, Clock.systemUTC());
        Authenticator authenticator = new Authenticator(security, tokens,
                new LoginThrottle(security.lockout(), Clock.systemUTC()), network);
        Challenges challenges = new Challenges(security, network);

        FilterRegistration.Dynamic headers = ctx.addFilter("registry-headers", new RegistryHeadersFilter());
        headers.setAsyncSupported(true);
        headers.addMappingForUrlPatterns(null, false, "/v2/*");
        FilterRegistration.Dynamic auth = ctx.addFilter("registry-auth",
                new AuthFilter(authenticator, challenges, security, service.config().holdsPrivateAccess()));
        auth.setAsyncSupported(true);
        auth.addMappingForUrlPatterns(null, true, "/v2/*");

        ServletRegistration.Dynamic token = ctx.addServlet("registry-token", new TokenServlet(authenticator, tokens, security));
        token.addMapping("/token");

        ServletRegistration.Dynamic api = ctx.addServlet("registry-api",
                new ServletContainer(new RegistryApplication(service, challenges)));
        api.setLoadOnStartup(1);
        api.setAsyncSupported(true);
        api.addMapping("/v2/*");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Object service = event.getServletContext().getAttribute(SERVICE_ATTRIBUTE);
        if (service instanceof CacheService s) {
            s.close();
        }
    }
}
