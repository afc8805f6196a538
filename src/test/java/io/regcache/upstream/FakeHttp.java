package io.regcache.upstream;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** An in-process HTTP server on 127.0.0.1 that records every request and answers through a settable handler. */
final class FakeHttp implements AutoCloseable {
    static {
        // small responses otherwise wait for delayed ACKs (about 40 ms per request); read once by the JDK server
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    /** What the server received. */
    record Request(String method, URI uri, Headers headers) {
        String header(String name) {
            return headers.getFirst(name);
        }

        String path() {
            return uri.getPath();
        }

        String query() {
            return uri.getRawQuery();
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-http");
        t.setDaemon(true);
        return t;
    });
    final List<Request> requests = new CopyOnWriteArrayList<>();
    volatile Handler handler = ex -> respond(ex, 404, Map.of(), new byte[0]);

    FakeHttp() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", ex -> {
            requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI(), copy(ex.getRequestHeaders())));
            try {
                handler.handle(ex);
            } catch (RuntimeException | IOException e) {
                respond(ex, 599, Map.of(), e.toString().getBytes(StandardCharsets.UTF_8));
            } finally {
                ex.close();
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    private static Headers copy(Headers h) {
        Headers c = new Headers();
        h.forEach((k, v) -> c.put(k, List.copyOf(v)));
        return c;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>} */
    URI base() {
        return URI.create("http://127.0.0.1:" + port());
    }

    List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    static void respond(HttpExchange ex, int status, Map<String, String> headers, byte[] body) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        boolean noBody = body.length == 0 || "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static void respond(HttpExchange ex, int status, Map<String, String> headers, String body) throws IOException {
        respond(ex, status, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
