package io.regcache.it.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One request from distribution's access log (combined log format). */
public record RegistryRequest(String method, String path, int status, long bytes, String userAgent) {
    // 127.0.0.1 - - [22/Nov/2026:16:30:21 +0000] "GET /v2/ HTTP/1.1" 200 2 "" "curl/7.88.1"
    private static final Pattern COMBINED = Pattern.compile(
            "^\\S+ \\S+ \\S+ \\[[^\\]]+\\] \"(\\S+) (\\S+) [^\"]*\" (\\d{3}) (\\d+|-) \"[^\"]*\" \"([^\"]*)\"");

    /** Parses an access-log line; {@code null} for any other log line. */
    public static RegistryRequest parse(String line) {
        Matcher m = COMBINED.matcher(line);
        if (!m.find()) {
            return null;
        }
        long bytes = "-".equals(m.group(4)) ? 0 : Long.parseLong(m.group(4));
        return new RegistryRequest(m.group(1), m.group(2), Integer.parseInt(m.group(3)), bytes, m.group(5));
    }

    /** Path without the query string. */
    public String pathOnly() {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /** True if the method matches and the path without query equals {@code p}. */
    public boolean is(String m, String p) {
        return method.equals(m) && pathOnly().equals(p);
    }

    @Override
    public String toString() {
        return method + " " + path + " -> " + status;
    }
}
