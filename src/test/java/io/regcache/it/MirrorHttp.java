package io.regcache.it;

import io.regcache.it.support.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** Raw HTTP against the mirror, for requests the registry client cannot express (repeated headers, Range). */
public final class MirrorHttp {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final HttpRequest.BodyPublisher NO_BODY = HttpRequest.BodyPublishers.noBody();
    private static final Duration HIT_TIMEOUT = Duration.ofSeconds(10);

    private MirrorHttp() {
    }

    public static HttpResponse<String> get(URL base, String path, String... headerPairs) {
        return request(base, "GET", path, headerPairs);
    }

    public static HttpResponse<byte[]> getBytes(URL base, String path, String... headerPairs) {
        return send(base, "GET", path, NO_BODY, HttpResponse.BodyHandlers.ofByteArray(), headerPairs);
    }

    /** A GET whose body the caller reads as it arrives (and closes). */
    public static HttpResponse<InputStream> stream(URL base, String path, String... headerPairs) {
        return send(base, "GET", path, NO_BODY, HttpResponse.BodyHandlers.ofInputStream(), headerPairs);
    }

    public static HttpResponse<String> request(URL base, String method, String path, String... headerPairs) {
        return send(base, method, path, NO_BODY, HttpResponse.BodyHandlers.ofString(), headerPairs);
    }

    public static HttpResponse<String> post(URL base, String path, String contentType, String body, String... headerPairs) {
        String[] headers = new String[headerPairs.length + 2];
        headers[0] = "Content-Type";
        headers[1] = contentType;
        System.arraycopy(headerPairs, 0, headers, 2, headerPairs.length);
        return send(base, "POST", path, HttpRequest.BodyPublishers.ofString(body), HttpResponse.BodyHandlers.ofString(), headers);
    }

    /**
     * GETs {@code path} until the mirror answers from its cache (a download is committed just after
     * its last byte went out, so the first requests may still miss); every answer goes to
     * {@code check} first. Returns the HIT.
     */
    public static HttpResponse<byte[]> awaitHit(URL base, String path, Consumer<HttpResponse<byte[]>> check) {
        AtomicReference<HttpResponse<byte[]>> last = new AtomicReference<>();
        Poll.until(() -> "a cache HIT for GET " + path + " (last X-Cache: " + xCache(last.get()) + ")", HIT_TIMEOUT, () -> {
            HttpResponse<byte[]> r = getBytes(base, path);
            check.accept(r);
            last.set(r);
            return "HIT".equals(xCache(r));
        });
        return last.get();
    }

    private static String xCache(HttpResponse<?> r) {
        return r == null ? null : r.headers().firstValue("X-Cache").orElse(null);
    }

    private static <T> HttpResponse<T> send(URL base, String method, String path, HttpRequest.BodyPublisher body,
                                            HttpResponse.BodyHandler<T> handler, String... headerPairs) {
        String root = base.toString().replaceAll("/+$", "");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path)).timeout(Duration.ofSeconds(60))
                .method(method, body);
        for (int i = 0; i < headerPairs.length; i += 2) {
            b.header(headerPairs[i], headerPairs[i + 1]);
        }
        try {
            return HTTP.send(b.build(), handler);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
