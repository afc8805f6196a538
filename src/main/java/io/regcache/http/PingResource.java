package io.regcache.http;

import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** {@code GET /v2/}: the API version check every client starts with. */
@Singleton
@Path("")
public final class PingResource {
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @GET
    public Response ping() {
        return Response.ok(EMPTY_OBJECT, "application/json").header("Content-Length", EMPTY_OBJECT.length).build();
    }

    @HEAD
    public Response head() {
        return Response.ok().type("application/json").header("Content-Length", EMPTY_OBJECT.length).build();
    }
}
