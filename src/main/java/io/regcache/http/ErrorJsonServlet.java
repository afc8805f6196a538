package io.regcache.http;

import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The error page for errors the container produces itself (a malformed URI, a login it refused):
 * registry clients parse JSON errors only, so they get the OCI form instead of an HTML page.
 */
public final class ErrorJsonServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (res.isCommitted()) {
            // Status and headers are gone (a blob body that broke off): no error response is possible,
            // and writing one would only append JSON to the body (Tomcat includes the error page then).
            return;
        }
        Object status = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int code = status instanceof Integer i ? i : res.getStatus();
        ErrorCode error = switch (code) {
            case 400 -> ErrorCode.NAME_INVALID;
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.DENIED;
            case 404 -> ErrorCode.NAME_UNKNOWN;
            case 405 -> ErrorCode.UNSUPPORTED;
            case 429 -> ErrorCode.TOOMANYREQUESTS;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> ErrorCode.UNKNOWN;
        };
        Object message = req.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        RegistryHeadersFilter.apiVersion(res);
        OciErrors.write(res, req.getMethod(), new RegistryException(error, code, message == null || message.toString().isBlank()
                ? error.defaultMessage() : CacheHeaders.sanitize(message.toString())));
    }
}
