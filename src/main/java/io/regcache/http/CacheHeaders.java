package io.regcache.http;

import io.regcache.cache.CacheOutcome;
import io.regcache.oci.Digest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** Headers shared by manifest and blob responses. */
final class CacheHeaders {
    private CacheHeaders() {
    }

    static void describe(Response.ResponseBuilder b, Digest digest, CacheOutcome outcome, String warning) {
        b.header("Docker-Content-Digest", digest.toString());
        b.header("ETag", etag(digest));
        b.header("X-Cache", outcome.name());
        if (warning != null) {
            b.header("Warning", "110 - \"" + sanitize(warning) + "\"");
        }
    }

    static String etag(Digest digest) {
        return "\"" + digest + "\"";
    }

    /** True when the client already holds this content ({@code If-None-Match}). */
    static boolean notModified(HttpHeaders headers, Digest digest) {
        String inm = headers.getHeaderString("If-None-Match");
        if (inm == null) {
            return false;
        }
        String tag = etag(digest);
        for (String candidate : inm.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals(tag) || c.equals("*")) {
                return true;
            }
        }
        return false;
    }

    /** Header values must stay one printable line, whatever an upstream message contained. */
    static String sanitize(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 300));
        for (int i = 0; i < s.length() && b.length() < 300; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : ' ');
        }
        return b.toString();
    }
}
