package io.regcache.it.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * An in-process registry that misbehaves on purpose, for faults a real registry cannot produce:
 * wrong bytes for a digest, bodies that stall or stop half-way, 429 and 500 answers. Each path
 * ({@code /v2/<name>/blobs/<digest>} or {@code /v2/<name>/manifests/<ref>}) gets a {@link Behaviour};
 * every request is recorded. No authentication.
 */
public final class FaultyUpstream implements AutoCloseable {
    private static final String OCTET_STREAM = "application/octet-stream";

    /** What to do for one request; may block, write partially, or fail. */
    @FunctionalInterface
    public interface Behaviour {
        void handle(HttpExchange exchange, int attempt) throws IOException;
    }

    /** A request seen: method, path with query, Range header (or null). */
    public record Seen(String method, String path, String range) {
    }

    private final HttpServer server;
    private final Map<String, Behaviour> routes = new ConcurrentHashMap<>();
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    private FaultyUpstream(HttpServer server) {
        this.server = server;
    }

    public static FaultyUpstream start() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            FaultyUpstream f = new FaultyUpstream(s);
            s.setExecutor(Executors.newCachedThreadPool());
            s.createContext("/", f::dispatch);
            s.start();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public FaultyUpstream on(String path, Behaviour behaviour) {
        routes.put(path, behaviour);
        return this;
    }

    /**
     * Serves {@code image} in repository {@code repo}: its manifest by {@code tag} and by digest,
     * its config and layers by digest.
     */
    public FaultyUpstream publish(String repo, String tag, FakeImage image) {
        return publish(repo, tag, image, UnaryOperator.identity());
    }

    /**
     * Like {@link #publish(String, String, FakeImage)}, with the manifest's answer wrapped by
     * {@code manifestAnswer} (e.g. to add headers).
     */
    public FaultyUpstream publish(String repo, String tag, FakeImage image, UnaryOperator<Behaviour> manifestAnswer) {
        Behaviour manifest = manifestAnswer.apply(manifest(image.manifest(), MediaTypes.OCI_MANIFEST));
        on("/v2/" + repo + "/manifests/" + tag, manifest);
        on("/v2/" + repo + "/manifests/" + image.digest(), manifest);
        for (byte[] blob : image.blobs()) {
            on(blobPath(repo, blob), blob(blob));
        }
        return this;
    }

    /** {@code /v2/<repo>/blobs/<digest of blob>}. */
    public static String blobPath(String repo, byte[] blob) {
        return "/v2/" + repo + "/blobs/" + Digests.sha256(blob);
    }

    public List<Seen> requests() {
        return List.copyOf(seen);
    }

    public long count(String method, String path) {
        return seen.stream().filter(s -> s.method().equals(method) && s.path().startsWith(path)).count();
    }

    public void clear() {
        seen.clear();
        attempts.clear();
    }

    private void dispatch(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String query = ex.getRequestURI().getRawQuery();
        seen.add(new Seen(ex.getRequestMethod(), query == null ? path : path + "?" + query,
                ex.getRequestHeaders().getFirst("Range")));
        try (ex) {
            if (path.equals("/v2/") || path.equals("/v2")) {
                ex.getResponseHeaders().add("Content-Type", "application/json");
                send(ex, 200, "{}".getBytes());
                return;
            }
            Behaviour b = routes.get(path);
            if (b == null) {
                ex.getResponseHeaders().add("Content-Type", "application/json");
                send(ex, 404, "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"unknown\"}]}".getBytes());
                return;
            }
            b.handle(ex, attempts.merge(ex.getRequestMethod() + " " + path, 1, Integer::sum));
        } catch (IOException e) {
            // the client (the mirror) went away, or a behaviour dropped the connection on purpose
        }
    }

    // ---- behaviours

    /** Serves {@code body} correctly, honouring a single {@code Range: bytes=N-}. */
    public static Behaviour serve(byte[] body, String contentType) {
        return (ex, attempt) -> {
            ex.getResponseHeaders().add("Content-Type", contentType);
            String range = ex.getRequestHeaders().getFirst("Range");
            if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
                int from = Integer.parseInt(range.substring(6, range.length() - 1));
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
                sendPart(ex, 206, body, from, body.length);
                return;
            }
            sendPart(ex, 200, body, 0, body.length);
        };
    }

    /** Serves a blob: {@link #serve} as {@code application/octet-stream}. */
    public static Behaviour blob(byte[] body) {
        return serve(body, OCTET_STREAM);
    }

    /** Serves a manifest as a registry does: its media type and its Docker-Content-Digest (sha256). */
    public static Behaviour manifest(byte[] body, String mediaType) {
        Behaviour plain = serve(body, mediaType);
        String digest = Digests.sha256(body);
        return (ex, attempt) -> {
            ex.getResponseHeaders().add("Docker-Content-Digest", digest);
            plain.handle(ex, attempt);
        };
    }

    /** Holds the request until {@code gate} opens (or forever), then closes without answering. */
    public static Behaviour hang(java.util.concurrent.CountDownLatch gate) {
        return (ex, attempt) -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** Waits for {@code gate}, then behaves like {@code then}. */
    public static Behaviour after(java.util.concurrent.CountDownLatch gate, Behaviour then) {
        return (ex, attempt) -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            then.handle(ex, attempt);
        };
    }

    /** The first {@code failures} attempts get {@code status}; later ones {@code then}. */
    public static Behaviour failFirst(int failures, int status, Behaviour then) {
        Behaviour fail = status(status, "UNAVAILABLE", Map.of());
        return (ex, attempt) -> (attempt <= failures ? fail : then).handle(ex, attempt);
    }

    /** Delegates to whatever {@code current} holds at request time, so a test can change the answer. */
    public static Behaviour switchable(java.util.concurrent.atomic.AtomicReference<Behaviour> current) {
        return (ex, attempt) -> current.get().handle(ex, attempt);
    }

    /** Announces the full length, sends the first {@code cut} bytes, then drops the connection (first attempt only). */
    public static Behaviour dropAfter(byte[] body, int cut) {
        Behaviour correct = blob(body);
        return (ex, attempt) -> {
            if (attempt > 1) {
                correct.handle(ex, attempt);
                return;
            }
            ex.getResponseHeaders().add("Content-Type", OCTET_STREAM);
            ex.sendResponseHeaders(200, body.length);
            OutputStream out = ex.getResponseBody();
            out.write(body, 0, cut);
            out.flush();
            throw new IOException("dropping the connection on purpose"); // closes the socket mid-body
        };
    }

    /** Sends {@code first} bytes, then waits for {@code gate} before sending the rest. */
    public static Behaviour stallAfter(byte[] body, int first, java.util.concurrent.CountDownLatch gate) {
        return (ex, attempt) -> {
            ex.getResponseHeaders().add("Content-Type", OCTET_STREAM);
            ex.sendResponseHeaders(200, body.length);
            OutputStream out = ex.getResponseBody();
            out.write(body, 0, first);
            out.flush();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            out.write(body, first, body.length - first);
        };
    }

    /** Answers with a status, a JSON error and optional headers. */
    public static Behaviour status(int status, String code, Map<String, String> headers) {
        return (ex, attempt) -> {
            headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.getResponseHeaders().add("Content-Type", "application/json");
            send(ex, status, ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"injected\"}]}").getBytes());
        };
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        sendPart(ex, status, body, 0, body.length);
    }

    private static void sendPart(HttpExchange ex, int status, byte[] body, int from, int to) throws IOException {
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().add("Content-Length", String.valueOf(to - from));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, to - from);
        OutputStream out = ex.getResponseBody();
        out.write(body, from, to - from);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
