package io.regcache.oci;

/** OCI distribution error codes with the HTTP status this mirror answers them with. */
public enum ErrorCode {
    BLOB_UNKNOWN(404, "blob unknown to registry"),
    DIGEST_INVALID(400, "provided digest did not match content"),
    MANIFEST_INVALID(400, "manifest invalid"),
    MANIFEST_UNKNOWN(404, "manifest unknown"),
    NAME_INVALID(400, "invalid repository name"),
    NAME_UNKNOWN(404, "repository name not known to registry"),
    TAG_INVALID(400, "manifest tag did not match URI"),
    RANGE_INVALID(416, "invalid content range"),
    PAGINATION_NUMBER_INVALID(400, "invalid number of results requested"),
    UNAUTHORIZED(401, "authentication required"),
    DENIED(403, "requested access to the resource is denied"),
    UNSUPPORTED(405, "the operation is unsupported"),
    TOOMANYREQUESTS(429, "too many requests"),
    UNKNOWN(500, "unknown error"),
    UNAVAILABLE(503, "service unavailable");

    private final int status;
    private final String defaultMessage;

    ErrorCode(int status, String defaultMessage) {
        this.status = status;
        this.defaultMessage = defaultMessage;
    }

    public int status() {
        return status;
    }

    public String defaultMessage() {
        return defaultMessage;
    }
}
