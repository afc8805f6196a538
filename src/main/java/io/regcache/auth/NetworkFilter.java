package io.regcache.auth;

import io.regcache.http.OciErrors;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/** Turns away clients outside {@code security.allow}, on every path, before anything else. */
public final class NetworkFilter extends HttpFilter {
    private final ClientNetwork network;

    public NetworkFilter(ClientNetwork network) {
        this.network = network;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!network.admits(req)) {
            OciErrors.write(res, req.getMethod(),
                    new RegistryException(ErrorCode.DENIED, 403, "this mirror does not serve your network"));
            return;
        }
        chain.doFilter(req, res);
    }
}
