package io.regcache.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Builds the OCI error body {@code {"errors":[{code,message,detail}]}}; the one error-to-response mapper. */
public final class OciErrors {
    private OciErrors() {
    }

    private static byte[] body(RegistryException e) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode error = root.putArray("errors").addObject();
        error.put("code", e.code().name());
        error.put("message", e.getMessage());
        error.putNull("detail"); // the spec's optional detail: nothing to add to the message
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static Response response(RegistryException e) {
        byte[] body = body(e);
        Response.ResponseBuilder b = Response.status(e.status())
                .type("application/json")
                .header("Content-Length", body.length)
                .entity(body);
        e.headers().forEach(b::header);
        return b.build();
    }

    /**
     * The end of both APIs' exception mapping: registry errors as they are, the framework's client
     * errors (4xx) with its message, anything else logged as {@code failure} and answered as internal.
     */
    public static Response fallback(Throwable t, Logger log, String failure) {
        if (t instanceof RegistryException e) {
            return response(e);
        }
        if (t instanceof WebApplicationException w && w.getResponse().getStatus() < 500) {
            int status = w.getResponse().getStatus();
            return response(new RegistryException(status == 404 ? ErrorCode.NAME_UNKNOWN : ErrorCode.UNSUPPORTED,
                    status, w.getMessage()));
        }
        log.log(Level.SEVERE, failure, t);
        return response(ErrorCode.UNKNOWN, "internal error: " + t.getClass().getSimpleName());
    }

    /** Writes the error straight to a servlet response (filters and servlets outside Jersey). */
    public static void write(HttpServletResponse res, String method, RegistryException e) throws IOException {
        res.setStatus(e.status());
        e.headers().forEach(res::setHeader);
        byte[] body = body(e);
        res.setContentType("application/json");
        res.setContentLength(body.length);
        if (!"HEAD".equals(method)) {
            res.getOutputStream().write(body);
        }
    }

    public static Response response(ErrorCode code, String message) {
        return response(new RegistryException(code, message));
    }
}
