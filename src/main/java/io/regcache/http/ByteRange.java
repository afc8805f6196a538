package io.regcache.http;

import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A single byte range from a {@code Range} header: {@code bytes=a-b}, {@code bytes=a-} or
 * {@code bytes=-n}. {@link #parse} checks the syntax (malformed: 400) before any work is done;
 * {@link #resolve} places it in a blob of known size (beyond it, or several ranges: 416).
 */
final class ByteRange {
    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

    private final long first;   // -1 for a suffix range
    private final long last;    // -1 when open-ended
    private final boolean multiple;

    private ByteRange(long first, long last, boolean multiple) {
        this.first = first;
        this.last = last;
        this.multiple = multiple;
    }

    /** A resolved range: inclusive start and end. */
    record Span(long start, long end) {
        long length() {
            return end - start + 1;
        }

        String contentRange(long size) {
            return "bytes " + start + "-" + end + "/" + size;
        }
    }

    /** The parsed header, or null when there is none. */
    static ByteRange parse(String header) {
        if (header == null) {
            return null;
        }
        String h = header.replace(" ", "");
        if (h.length() > 200) {
            throw malformed("Range header too long");
        }
        if (h.startsWith("bytes=") && h.indexOf(',') >= 0) {
            return new ByteRange(-1, -1, true);
        }
        Matcher m = SINGLE.matcher(h);
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw malformed("malformed Range header");
        }
        long first = m.group(1).isEmpty() ? -1 : Long.parseLong(m.group(1));
        long last = m.group(2).isEmpty() ? -1 : Long.parseLong(m.group(2));
        if (first >= 0 && last >= 0 && last < first) {
            throw malformed("Range ends before it starts");
        }
        return new ByteRange(first, last, false);
    }

    Span resolve(long size) {
        if (multiple) {
            throw unsatisfiable("only a single byte range is supported", size);
        }
        if (first < 0) { // suffix: the last n bytes
            if (last == 0 || size == 0) {
                throw unsatisfiable("empty suffix range", size);
            }
            return new Span(Math.max(0, size - last), size - 1);
        }
        if (first >= size) {
            throw unsatisfiable("range starts beyond the blob's " + size + " bytes", size);
        }
        return new Span(first, last < 0 ? size - 1 : Math.min(last, size - 1));
    }

    private static RegistryException malformed(String message) {
        return new RegistryException(ErrorCode.RANGE_INVALID, 400, message);
    }

    private static RegistryException unsatisfiable(String message, long size) {
        return new RegistryException(ErrorCode.RANGE_INVALID, 416, message, Map.of("Content-Range", "bytes */" + size));
    }
}
