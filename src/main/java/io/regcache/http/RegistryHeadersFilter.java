package io.regcache.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Headers every {@code /v2/} response carries, whoever produced it: the API version, and the
 * echo of containerd's {@code ns} parameter as {@code OCI-Namespace} (only when it is a valid host).
 */
public final class RegistryHeadersFilter extends HttpFilter {
    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        res.setHeader("Docker-Distribution-API-Version", "registry/2.0");
        String ns = req.getParameter("ns");
        if (ns != null && RepositoryRouter.isHost(ns)) {
            res.setHeader("OCI-Namespace", ns);
        }
        chain.doFilter(req, res);
    }
}
