package io.regcache.oci;

import java.util.Map;

/**
 * A failure that reaches the client as an OCI error body. The HTTP status defaults to the code's,
 * but may differ (an upstream fault is a 502 that still carries a registry code).
 */
public class RegistryException extends RuntimeException {
    private final ErrorCode code;
    private final int status;
    private final Map<String, String> headers;

    public RegistryException(ErrorCode code, String message) {
        this(code, code.status(), message);
    }

    public RegistryException(ErrorCode code, int status, String message) {
        this(code, status, message, Map.of());
    }

    public RegistryException(ErrorCode code, int status, String message, Map<String, String> headers) {
        super(message == null ? code.defaultMessage() : message);
        this.code = code;
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    public ErrorCode code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** Extra response headers, e.g. Retry-After on a 429. */
    public Map<String, String> headers() {
        return headers;
    }
}
