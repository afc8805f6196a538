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
 * As the outermost {@code /v2/} filter it also hands a body that failed after its headers were sent
 * ({@link BlobBodyWriter#BROKEN}) back to the container as an exception, so the container aborts
 * the connection instead of ending the response as if it were complete.
 */
public final class RegistryHeadersFilter extends HttpFilter {
    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        apiVersion(res);
        String ns = req.getParameter("ns");
        if (ns != null && RepositoryRouter.isHost(ns)) {
            res.setHeader("OCI-Namespace", ns);
        }
        chain.doFilter(req, res);
        if (req.getAttribute(BlobBodyWriter.BROKEN) instanceof Throwable broken && res.isCommitted()) {
            throw new IOException("response body broken off after the headers were sent: " + broken.getMessage(), broken);
        }
    }

    static void apiVersion(HttpServletResponse res) {
        res.setHeader("Docker-Distribution-API-Version", "registry/2.0");
    }
}
