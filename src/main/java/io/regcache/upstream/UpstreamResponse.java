package io.regcache.upstream;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpHeaders;
import java.util.Optional;

/** An upstream answer whose body has not been read yet. Close it when done. */
public final class UpstreamResponse implements Closeable {
    private final int status;
    private final HttpHeaders headers;
    private final InputStream body;

    UpstreamResponse(int status, HttpHeaders headers, InputStream body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    /** Content-Length, or -1. */
    public long contentLength() {
        return headers.firstValueAsLong("Content-Length").orElse(-1L);
    }

    public InputStream body() {
        return body;
    }

    /**
     * Reads the whole body. More than {@code max} bytes is a bad answer (not an outage: the
     * upstream did answer); an IOException means the transfer itself failed.
     */
    public byte[] readBody(int max) throws IOException {
        long declared = contentLength();
        if (declared > max) {
            throw UpstreamException.badResponse("upstream body of " + declared + " bytes exceeds the limit of " + max);
        }
        byte[] bytes = body.readNBytes(max + 1);
        if (bytes.length > max) {
            throw UpstreamException.badResponse("upstream body exceeds the limit of " + max + " bytes");
        }
        return bytes;
    }

    /** Reads a small remainder so the connection can be reused, then closes. */
    void discard() {
        try (InputStream in = body) {
            in.readNBytes(64 * 1024);
        } catch (IOException ignored) {
            // the connection is dropped instead of reused
        }
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
