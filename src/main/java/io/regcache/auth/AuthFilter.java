package io.regcache.auth;

import io.regcache.config.SecurityConfig;
import io.regcache.http.OciErrors;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Guards {@code /v2/}: finds out who is calling and whether they may pull at all, and otherwise
 * answers like Docker Hub — a 401 with a Bearer challenge naming the mirror's token endpoint, so
 * that Docker, containerd, podman and skopeo know how to log in. The ping answers 401 to anonymous
 * clients whenever credentials could matter (pulls need a role, or an upstream account makes
 * private content reachable); a zero-config mirror stays open.
 */
public final class AuthFilter extends HttpFilter {
    private static final String[] MARKERS = {"/manifests/", "/blobs/", "/tags/list"};

    private final Authenticator authenticator;
    private final ClientNetwork network;
    private final Challenges challenges;
    private final SecurityConfig security;
    private final boolean credentialsMatter;

    public AuthFilter(Authenticator authenticator, ClientNetwork network, Challenges challenges, SecurityConfig security,
                      boolean privateContentReachable) {
        this.authenticator = authenticator;
        this.network = network;
        this.challenges = challenges;
        this.security = security;
        this.credentialsMatter = security.anonymous() == SecurityConfig.AnonymousAccess.NONE || privateContentReachable;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        String path = pathOf(req);
        String repository = repositoryOf(path);
        network.client(req); // for the pull telemetry, and for a Basic login's throttle
        Caller caller;
        try {
            caller = authenticator.authenticate(req, true);
        } catch (RegistryException e) {
            refuse(req, res, e, repository);
            return;
        }
        boolean ping = path.equals("/");
        if (ping) {
            if (caller.isAnonymous() && credentialsMatter) {
                refuse(req, res, new RegistryException(ErrorCode.UNAUTHORIZED, "authentication required"), null);
                return;
            }
        } else if (!caller.mayPull(security)) {
            refuse(req, res, caller.isAnonymous()
                    ? new RegistryException(ErrorCode.UNAUTHORIZED, "authentication required")
                    : new RegistryException(ErrorCode.DENIED, "pulling needs the role " + Roles.PULL), repository);
            return;
        } else if (repository != null && !caller.mayPullRepository(repository)) {
            refuse(req, res, new BearerRefusal("the token does not cover " + repository, "insufficient_scope"), repository);
            return;
        }
        req.setAttribute(Caller.ATTRIBUTE, caller);
        chain.doFilter(req, res);
    }

    private void refuse(HttpServletRequest req, HttpServletResponse res, RegistryException e, String repository) throws IOException {
        if (e.status() == 401) {
            res.setHeader("WWW-Authenticate", challenges.bearer(req, repository, e instanceof BearerRefusal b ? b.error : null));
        }
        OciErrors.write(res, req.getMethod(), e);
    }

    /** The path below {@code /v2}: {@code /} for the ping. */
    public static String pathOf(HttpServletRequest req) {
        String path = req.getPathInfo();
        return path == null ? "/" : path;
    }

    /** The repository a {@code /v2/} path names as the client wrote it, or null for other endpoints. */
    public static String repositoryOf(String path) {
        for (String marker : MARKERS) {
            int i = path.lastIndexOf(marker);
            if (i > 1) {
                return path.substring(1, i);
            }
        }
        return null;
    }
}
