package io.regcache.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regcache.cache.CacheService;
import io.regcache.cache.HealthCheck;
import io.regcache.http.Json;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code /health} for load balancers and orchestrators: 200 while the mirror can serve (UP, or
 * DEGRADED when only an upstream is unreachable and the cache serves alone), 503 when storage is
 * not writable (DOWN).
 */
public final class HealthServlet extends HttpServlet {
    private final CacheService service;

    public HealthServlet(CacheService service) {
        this.service = service;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        HealthCheck.Health h = service.health();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", h.status());
        body.putObject("storage").put("writable", h.storageWritable());
        ObjectNode ups = body.putObject("upstreams");
        h.upstreamsReachable().forEach((name, ok) -> ups.putObject(name).put("reachable", ok));
        Json.send(res, h.storageWritable() ? 200 : 503, body);
    }
}
