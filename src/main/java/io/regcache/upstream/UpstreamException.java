package io.regcache.upstream;

/**
 * The upstream did not deliver. {@link #isOutage()} tells a temporary inability (network, timeout,
 * 5xx, 429), when cached content may still be served, from a definite answer (not found, denied).
 */
public final class UpstreamException extends RuntimeException {
    public enum Kind {
        NOT_FOUND,
        DENIED,
        RATE_LIMITED,
        SERVER_ERROR,
        UNREACHABLE,
        BAD_RESPONSE
    }

    private final Kind kind;
    private final int status;
    private final String retryAfter;

    public UpstreamException(Kind kind, int status, String message, String retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public static UpstreamException unreachable(String message, Throwable cause) {
        return new UpstreamException(Kind.UNREACHABLE, 0, message, null, cause);
    }

    public static UpstreamException badResponse(String message) {
        return new UpstreamException(Kind.BAD_RESPONSE, 0, message, null, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The upstream's HTTP status, 0 when none was received. */
    public int status() {
        return status;
    }

    /** The upstream's Retry-After on a 429, or null. */
    public String retryAfter() {
        return retryAfter;
    }

    public boolean isOutage() {
        return kind == Kind.RATE_LIMITED || kind == Kind.SERVER_ERROR || kind == Kind.UNREACHABLE;
    }
}
