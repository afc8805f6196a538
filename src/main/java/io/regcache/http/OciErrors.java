package io.regcache.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Builds the OCI error body {@code {"errors":[{code,message,detail}]}}; the one error-to-response mapper. */
public final class OciErrors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OciErrors() {
    }

    public static byte[] body(ErrorCode code, String message, Object detail) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode errors = root.putArray("errors");
        ObjectNode e = errors.addObject();
        e.put("code", code.name());
        e.put("message", message == null ? code.defaultMessage() : message);
        e.set("detail", detail == null ? JSON.nullNode() : JSON.valueToTree(detail));
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static Response response(RegistryException e) {
        byte[] body = body(e.code(), e.getMessage(), e.detail());
        Response.ResponseBuilder b = Response.status(e.status())
                .type("application/json")
                .header("Content-Length", body.length)
                .entity(body);
        e.headers().forEach(b::header);
        return b.build();
    }

    /** Writes the error straight to a servlet response (filters and servlets outside Jersey). */
    public static void write(HttpServletResponse res, String method, RegistryException e) throws IOException {
        res.setStatus(e.status());
        e.headers().forEach(res::setHeader);
        byte[] body = body(e.code(), e.getMessage(), null);
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
