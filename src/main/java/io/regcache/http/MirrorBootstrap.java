package io.regcache.http;

import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.regcache.auth.AuthFilter;
import io.regcache.auth.Authenticator;
import io.regcache.auth.Challenges;
import io.regcache.auth.ClientNetwork;
import io.regcache.auth.LoginThrottle;
import io.regcache.auth.NetworkFilter;
import io.regcache.auth.PullTokens;
import io.regcache.auth.TokenServlet;
import io.regcache.cache.CacheService;
import io.regcache.config.ConfigLoader;
import io.regcache.config.MirrorConfig;
import io.regcache.config.SecurityConfig;
import io.regcache.metrics.PrometheusTelemetry;
import io.regcache.metrics.StatusBoard;
import io.regcache.metrics.Telemetry;
import io.regcache.ops.AdminFilter;
import io.regcache.ops.HealthServlet;
import io.regcache.ops.OpsApplication;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import java.time.Clock;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * Starts the mirror with the web application: reads the configuration, creates the cache service
 * and mounts everything on it. Wiring happens here, at the edge, so that nothing deeper looks
 * anything up. A configuration error stops the application with the file and line named.
 *
 * <pre>
 *   /*          network allow-list
 *   /v2/*       the registry API (Jersey), behind the API-version header and authentication
 *   /token      the mirror's token endpoint
 *   /api/*      status page data; /api/admin/* for registry-admin
 *   /metrics    Prometheus
 *   /health     storage and upstreams
 *   /           the status page (static, src/main/webapp)
 * </pre>
 */
public final class MirrorBootstrap implements ServletContextListener {
    private static final Logger LOG = Logger.getLogger(MirrorBootstrap.class.getName());

    private CacheService service;
    private OpsApplication ops;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        // The JDK's HTTP client reads 16 KiB at a time unless told otherwise; 256 KiB takes blob
        // downloads from ~1.8 to ~2.5 GB/s on loopback. Read once per JVM, so set before first use,
        // and never over an operator's own choice.
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", String.valueOf(256 * 1024));
        }
        PrometheusTelemetry metrics = new PrometheusTelemetry();
        StatusBoard board = new StatusBoard(Clock.systemUTC());
        Telemetry telemetry = Telemetry.all(List.of(metrics, board));
        try {
            MirrorConfig config = ConfigLoader.loadFromEnvironment();
            service = new CacheService(config, telemetry);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "regcache cannot start: " + e.getMessage());
            throw e;
        }
        metrics.gauge("regcache_cache_size_bytes", "Bytes the cache holds on disk", service::sizeOnDisk);
        metrics.gauge("regcache_cache_max_bytes", "The cache's size limit (-1: none)", () -> service.config().policy().maxSize());
        metrics.gauge("regcache_downloads_in_progress", "Blob downloads from upstreams in progress", service::downloadsInProgress);

        // who may pull: users and roles are the container's; tokens and the edge are ours
        SecurityConfig security = service.config().security();
        ClientNetwork network = new ClientNetwork(security);
        PullTokens tokens = new PullTokens(security, Clock.systemUTC());
        Authenticator authenticator = new Authenticator(security, tokens,
                new LoginThrottle(security.lockout(), Clock.systemUTC()), network);
        Challenges challenges = new Challenges(security, network);

        filter(ctx, "network", new NetworkFilter(network), "/*");
        filter(ctx, "registry-headers", new RegistryHeadersFilter(), "/v2/*");
        filter(ctx, "registry-auth", new AuthFilter(authenticator, network, challenges, security,
                service.config().holdsPrivateAccess()), "/v2/*");
        filter(ctx, "admin-auth", new AdminFilter(authenticator, network), "/api/admin/*");

        servlet(ctx, "registry-api", new ServletContainer(new RegistryApplication(service, challenges, telemetry)), "/v2/*");
        servlet(ctx, "registry-token", new TokenServlet(authenticator, tokens, security), "/token");
        ops = new OpsApplication(service, board);
        servlet(ctx, "ops-api", new ServletContainer(ops), "/api/*");
        servlet(ctx, "metrics", new PrometheusMetricsServlet(metrics.registry()), "/metrics");
        servlet(ctx, "health", new HealthServlet(service), "/health");
    }

    private static void filter(ServletContext ctx, String name, Filter filter, String pattern) {
        FilterRegistration.Dynamic f = ctx.addFilter(name, filter);
        f.setAsyncSupported(true);
        f.addMappingForUrlPatterns(null, true, pattern);
    }

    private static void servlet(ServletContext ctx, String name, Servlet servlet, String pattern) {
        ServletRegistration.Dynamic s = ctx.addServlet(name, servlet);
        s.setLoadOnStartup(1);
        s.setAsyncSupported(true);
        s.addMapping(pattern);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (ops != null) {
            ops.close();
        }
        if (service != null) {
            service.close();
        }
    }
}
