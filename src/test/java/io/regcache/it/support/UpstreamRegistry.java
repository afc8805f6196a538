package io.regcache.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * The reference registry (distribution 2.8.2, {@code docker-registry serve}) on a free loopback
 * port, with filesystem storage in a temp dir, deletes enabled, and the access log parsed into
 * {@link #requests()}. {@link #stop()} / {@link #start()} keep port and storage.
 */
public final class UpstreamRegistry implements AutoCloseable {
    public static final String TOKEN_SERVICE = "registry.test";
    /** Query parameter marking the harness's own probes, which {@link #requests()} leaves out. */
    private static final String HARNESS_MARK = "regcache-it-harness=";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    /** How clients must authenticate. */
    public sealed interface Auth permits Auth.None, Auth.Basic, Auth.Token {
        static Auth none() {
            return new None();
        }

        static Auth basic(String user, String password) {
            return new Basic(user, password);
        }

        static Auth token(TokenServer tokenServer) {
            return new Token(tokenServer);
        }

        record None() implements Auth {
        }

        record Basic(String user, String password) implements Auth {
        }

        record Token(TokenServer server) implements Auth {
        }
    }

    private final Auth auth;
    private final Path dir;
    private final Path config;
    private final Path log;
    private final int port;
    private final List<RegistryRequest> seen = new ArrayList<>();
    private final AtomicLong fenceCounter = new AtomicLong();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private LoggedProcess process;

    private UpstreamRegistry(Auth auth) throws IOException {
        this.auth = auth;
        this.dir = TempDirs.create("upstream");
        this.port = FreePort.find();
        this.config = dir.resolve("config.yml");
        this.log = dir.resolve("registry.log");
        Files.createDirectories(dir.resolve("storage"));
        Files.writeString(config, configYaml());
    }

    /** Starts a registry with the given auth and waits until it answers {@code GET /v2/}. */
    public static UpstreamRegistry start(Auth auth) {
        RequiredTools.require("docker-registry");
        UpstreamRegistry r;
        try {
            r = new UpstreamRegistry(auth);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            r.start();
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private String configYaml() throws IOException {
        StringBuilder y = new StringBuilder();
        y.append("version: 0.1\n");
        y.append("log:\n  level: info\n  formatter: text\n  accesslog:\n    disabled: false\n");
        y.append("storage:\n");
        y.append("  filesystem:\n    rootdirectory: ").append(dir.resolve("storage")).append('\n');
        y.append("  delete:\n    enabled: true\n");
        y.append("  maintenance:\n    uploadpurging:\n      enabled: false\n");
        y.append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
        // A fixed secret avoids the startup warning and keeps upload state valid across restarts.
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        y.append("  secret: ").append(HexFormat.of().formatHex(secret)).append('\n');
        if (auth instanceof Auth.Token t) {
            y.append("auth:\n  token:\n");
            y.append("    realm: ").append(t.server().realm()).append('\n');
            y.append("    service: ").append(TOKEN_SERVICE).append('\n');
            y.append("    issuer: ").append(t.server().issuer()).append('\n');
            y.append("    rootcertbundle: ").append(t.server().certificatePem()).append('\n');
        } else if (auth instanceof Auth.Basic b) {
            Path htpasswd = dir.resolve("htpasswd");
            byte[] salt = new byte[16];
            new SecureRandom().nextBytes(salt);
            // distribution accepts only bcrypt entries ($2y$/$2a$); cost 5 keeps tests fast.
            String hash = OpenBSDBCrypt.generate("2y", b.password().toCharArray(), salt, 5);
            Files.writeString(htpasswd, b.user() + ":" + hash + "\n");
            y.append("auth:\n  htpasswd:\n    realm: regcache-it\n    path: ").append(htpasswd).append('\n');
        }
        return y.toString();
    }

    /** (Re)starts the registry on the same port and storage; no-op if running. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        process = LoggedProcess.start("docker-registry", List.of("docker-registry", "serve", config.toString()),
                dir, log, this::onLogLine);
        try {
            process.awaitAnswer(URI.create(url() + "/v2/?" + HARNESS_MARK + "ready"), START_TIMEOUT,
                    r -> r.statusCode() == 200 || r.statusCode() == 401);
        } catch (RuntimeException e) {
            process.stop(Duration.ofSeconds(2));
            throw e;
        }
    }

    /** Stops the registry (SIGTERM); its port then refuses connections. Storage is kept. */
    public synchronized void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(5));
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    private void onLogLine(String line) {
        RegistryRequest r = RegistryRequest.parse(line);
        if (r != null) {
            synchronized (seen) {
                seen.add(r);
                seen.notifyAll();
            }
        }
    }

    /** Sends {@code GET /v2/?regcache-it-harness=tag}; returns the status or -1 if unreachable. */
    private int ping(String tag, Duration timeout) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url() + "/v2/?" + HARNESS_MARK + tag))
                    .timeout(timeout).GET().build();
            return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Requests received since start or {@link #clearRequests()}, excluding the harness's probes.
     *
     * <p>distribution writes an access-log line only after the handler returns, so a client can
     * have its full response before the line exists. While the registry runs, this therefore sends
     * a fence request and waits until its own line shows up: every request that completed before
     * the call is then in the list. Two fences in a row, because the line of a request that has
     * just finished can still be written after a quick fence's own (seen on a loaded machine).
     * After {@link #stop()} all output has been read already.
     */
    public List<RegistryRequest> requests() {
        for (int i = 0; i < 2 && isRunning(); i++) {
            String tag = "fence-" + fenceCounter.incrementAndGet();
            if (ping(tag, Duration.ofSeconds(10)) < 0) {
                throw new IllegalStateException("the fence request got no answer from " + this);
            }
            awaitRaw(r -> r.path().contains(HARNESS_MARK + tag), Duration.ofSeconds(10));
        }
        return snapshot();
    }

    /**
     * Waits until the requests seen so far satisfy {@code condition}; returns them, or throws an
     * AssertionError listing what was seen.
     */
    public List<RegistryRequest> awaitRequests(Predicate<List<RegistryRequest>> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (seen) {
            while (true) {
                List<RegistryRequest> now = snapshot();
                if (condition.test(now)) {
                    return now;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("upstream requests did not reach the expected state within " + timeout
                            + "; seen:\n" + describe(now));
                }
                try {
                    seen.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    /** Requests matching {@code method} and exact path (query ignored), after a fence. */
    public List<RegistryRequest> requests(String method, String pathWithoutQuery) {
        return requests().stream().filter(r -> r.is(method, pathWithoutQuery)).toList();
    }

    public void clearRequests() {
        requests(); // fence first, so in-flight lines from before the clear cannot show up after it
        synchronized (seen) {
            seen.clear();
        }
    }

    private void awaitRaw(Predicate<RegistryRequest> any, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (seen) {
            while (seen.stream().noneMatch(any)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("fence request never appeared in the registry access log; tail:\n"
                            + LoggedProcess.tailOf(log, 20));
                }
                try {
                    seen.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private List<RegistryRequest> snapshot() {
        synchronized (seen) {
            return seen.stream().filter(r -> !r.path().contains(HARNESS_MARK)).toList();
        }
    }

    public static String describe(List<RegistryRequest> requests) {
        StringBuilder sb = new StringBuilder();
        for (RegistryRequest r : requests) {
            sb.append("  ").append(r).append('\n');
        }
        return sb.length() == 0 ? "  (none)\n" : sb.toString();
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code 127.0.0.1:PORT}, for image references. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Auth auth() {
        return auth;
    }

    @Override
    public synchronized void close() {
        stop();
        TempDirs.deleteQuietly(dir);
    }

    @Override
    public String toString() {
        return "UpstreamRegistry[" + url() + ", " + auth.getClass().getSimpleName() + "]";
    }
}
