package io.regcache.metrics;

/**
 * Docker Hub's pull allowance from its headers: {@code ratelimit-remaining: 87;w=21600} and
 * {@code ratelimit-limit: 100;w=21600} (pulls per window of seconds).
 */
public record RateLimit(long remaining, long limit, long windowSeconds) {

    /** Null when the headers are absent or malformed (no headers: the pull is not limited). */
    public static RateLimit parse(String remaining, String limit) {
        if (remaining == null || limit == null) {
            return null;
        }
        try {
            return new RateLimit(count(remaining), count(limit), window(limit));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long count(String header) {
        int semi = header.indexOf(';');
        return Long.parseLong((semi < 0 ? header : header.substring(0, semi)).trim());
    }

    private static long window(String header) {
        int w = header.indexOf("w=");
        if (w < 0) {
            return -1;
        }
        int end = w + 2;
        while (end < header.length() && Character.isDigit(header.charAt(end))) {
            end++;
        }
        return Long.parseLong(header.substring(w + 2, end));
    }
}
