package io.regcache.ops;

import io.regcache.auth.Authenticator;
import io.regcache.auth.Caller;
import io.regcache.auth.ClientNetwork;
import io.regcache.http.OciErrors;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * Guards {@code /api/admin/}: realm users with registry-admin only (Basic credentials, which a
 * browser asks for after the 401, or one of the mirror's tokens). Requests that change things must
 * come from the mirror's own page: a cross-site form or script cannot ride on the browser's
 * remembered credentials (the JSON content type, and the Origin check here).
 */
public final class AdminFilter extends HttpFilter {
    private final Authenticator authenticator;
    private final ClientNetwork network;

    public AdminFilter(Authenticator authenticator, ClientNetwork network) {
        this.authenticator = authenticator;
        this.network = network;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        Caller caller;
        try {
            caller = authenticator.authenticate(req, true);
        } catch (RegistryException e) {
            refuse(req, res, e);
            return;
        }
        if (caller.isAnonymous()) {
            refuse(req, res, new RegistryException(ErrorCode.UNAUTHORIZED, "log in as a user with the role registry-admin"));
            return;
        }
        if (!caller.isAdmin()) {
            refuse(req, res, new RegistryException(ErrorCode.DENIED, "this needs the role registry-admin"));
            return;
        }
        boolean changes = !"GET".equals(req.getMethod()) && !"HEAD".equals(req.getMethod());
        if (changes && !sameOrigin(req)) {
            refuse(req, res, new RegistryException(ErrorCode.DENIED, 403, "cross-origin request refused"));
            return;
        }
        if (changes && !isJson(req.getContentType())) {
            // also for bodiless actions (janitor): a JSON content type is what a cross-site form cannot send
            refuse(req, res, new RegistryException(ErrorCode.UNSUPPORTED, 415, "send Content-Type: application/json"));
            return;
        }
        chain.doFilter(req, res);
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().equalsIgnoreCase("application/json");
    }

    /**
     * No Origin (curl, scripts), or the mirror's own address: the Host header, or behind a trusted
     * proxy (which may rewrite Host) the external URL the mirror knows itself by.
     */
    private boolean sameOrigin(HttpServletRequest req) {
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        try {
            URI o = URI.create(origin);
            String originHost = o.getHost() + (o.getPort() > 0 ? ":" + o.getPort() : "");
            String host = req.getHeader("Host");
            URI external = URI.create(network.externalUrl(req));
            return originHost.equalsIgnoreCase(host)
                    || (o.getScheme() + "://" + originHost).equalsIgnoreCase(external.getScheme() + "://" + external.getRawAuthority());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void refuse(HttpServletRequest req, HttpServletResponse res, RegistryException e) throws IOException {
        if (e.status() == 401) {
            res.setHeader("WWW-Authenticate", "Basic realm=\"regcache\", charset=\"UTF-8\""); // the browser asks for a login
        }
        OciErrors.write(res, req.getMethod(), e);
    }
}
