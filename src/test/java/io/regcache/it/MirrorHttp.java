package io.regcache.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Raw HTTP against the mirror, for requests the registry client cannot express (repeated headers, Range). */
public final class MirrorHttp {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private MirrorHttp() {
    }

    public static HttpResponse<String> get(URL base, String path, String... headerPairs) {
        return send(base, "GET", path, HttpResponse.BodyHandlers.ofString(), headerPairs);
    }

    public static HttpResponse<byte[]> getBytes(URL base, String path, String... headerPairs) {
        return send(base, "GET", path, HttpResponse.BodyHandlers.ofByteArray(), headerPairs);
    }

    public static HttpResponse<String> request(URL base, String method, String path, String... headerPairs) {
        return send(base, method, path, HttpResponse.BodyHandlers.ofString(), headerPairs);
    }

    private static <T> HttpResponse<T> send(URL base, String method, String path, HttpResponse.BodyHandler<T> handler,
                                            String... headerPairs) {
        String root = base.toString().replaceAll("/+$", "");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path)).timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody());
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
