package io.regcache.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real nginx (Debian's package) run by the test as the current user, entirely inside a temp
 * dir of its own: configuration, pid file, error and access logs and every temp path live there,
 * nothing under /etc/nginx, /var/log or /run is read or written. The master runs in the
 * foreground ({@code daemon off;}) as a child of the test JVM; {@link #close()} stops it and its
 * workers and deletes the directory.
 *
 * <p>The caller supplies what goes inside {@code http {}} (typically a rendered server block);
 * this class wraps it in a main configuration, checks it with {@code nginx -t} (whose complaint
 * becomes the exception message), starts nginx and waits until {@code port} accepts connections.
 */
public final class Nginx implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path dir;
    private final LoggedProcess process;
    private final int port;

    private Nginx(Path dir, LoggedProcess process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /** The nginx executable: on PATH, else Debian's /usr/sbin/nginx (not on a non-root user's PATH). */
    public static String executable() {
        return RequiredTools.find("nginx").or(() -> RequiredTools.find("/usr/sbin/nginx"))
                .map(Path::toString).orElse("nginx");
    }

    /**
     * Starts nginx with {@code httpConfig} inside its {@code http {}} block; {@code port} is the
     * port that configuration listens on (to know when nginx is up).
     */
    public static Nginx start(String httpConfig, int port) {
        String nginx = executable();
        RequiredTools.require(nginx);
        Path dir = TempDirs.create("nginx");
        try {
            Path conf = dir.resolve("nginx.conf");
            Files.createDirectories(dir.resolve("logs"));
            Files.createDirectories(dir.resolve("temp"));
            Files.writeString(dir.resolve("regcache.conf"), httpConfig);
            Files.writeString(conf, mainConfig(dir));
            List<String> base = List.of(nginx, "-p", dir + "/", "-c", conf.toString(), "-e", dir.resolve("logs/error.log").toString());

            List<String> test = new ArrayList<>(base);
            test.add("-t");
            CommandResult checked = CommandRunner.run(test, Duration.ofSeconds(30));
            if (!checked.ok()) {
                throw new IllegalStateException("nginx -t rejects the configuration:\n" + checked.stderr()
                        + "\n--- " + dir.resolve("regcache.conf") + " ---\n" + httpConfig);
            }
            LoggedProcess process = LoggedProcess.start("nginx", base, dir, dir.resolve("nginx.out"), null);
            Nginx started = new Nginx(dir, process, port);
            try {
                started.awaitPort();
            } catch (RuntimeException e) {
                started.close();
                throw e;
            }
            return started;
        } catch (IOException e) {
            TempDirs.deleteQuietly(dir);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            TempDirs.deleteQuietly(dir);
            throw e;
        }
    }

    private static String mainConfig(Path dir) {
        String temp = dir.resolve("temp").toString();
        // As root, nginx would run its workers as "nobody", who cannot enter the test's temp dir;
        // as anyone else the user directive is ignored (with a warning) and workers run as that user.
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        return user
                + "daemon off;\n"
                + "master_process on;\n"
                + "worker_processes 1;\n"
                + "pid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("logs/error.log") + " info;\n"
                + "events {\n    worker_connections 256;\n}\n"
                + "http {\n"
                + "    default_type application/octet-stream;\n"
                + "    log_format regcache '$remote_addr \"$request\" $status $body_bytes_sent $server_protocol"
                + " upstream=$upstream_addr $request_time';\n"
                + "    access_log " + dir.resolve("logs/access.log") + " regcache;\n"
                + "    client_body_temp_path " + temp + "/client_body;\n"
                + "    proxy_temp_path " + temp + "/proxy;\n"
                + "    fastcgi_temp_path " + temp + "/fastcgi;\n"
                + "    uwsgi_temp_path " + temp + "/uwsgi;\n"
                + "    scgi_temp_path " + temp + "/scgi;\n"
                + "    include " + dir.resolve("regcache.conf") + ";\n"
                + "}\n";
    }

    private void awaitPort() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no attempt";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited during startup:\n" + process.tail(20) + "\n--- error.log ---\n"
                        + LoggedProcess.tailOf(dir.resolve("logs/error.log"), 20));
            }
            String errors = LoggedProcess.tailOf(dir.resolve("logs/error.log"), 20);
            if (errors.contains("bind() to")) {
                // nginx retries a few times before it gives up; whoever took the port is not nginx
                throw new IllegalStateException("nginx cannot listen on 127.0.0.1:" + port + ":\n" + errors);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                if (process.isAlive() && !LoggedProcess.tailOf(dir.resolve("logs/error.log"), 20).contains("bind() to")) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Pause.millis(100);
        }
        throw new IllegalStateException("nginx did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT
                + " (" + last + "):\n" + LoggedProcess.tailOf(dir.resolve("logs/error.log"), 20));
    }

    public int port() {
        return port;
    }

    /** The error log (level info) so far. */
    public String errorLog() {
        return read(dir.resolve("logs/error.log"));
    }

    /** The access log so far: client, request, status, bytes, protocol, upstream address, time. */
    public String accessLog() {
        return read(dir.resolve("logs/access.log"));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the master (SIGTERM, then SIGKILL) and any worker left, then deletes the directory. */
    @Override
    public void close() {
        try {
            process.stopWithDescendants(Duration.ofSeconds(10));
        } finally {
            TempDirs.deleteQuietly(dir);
        }
    }

    @Override
    public String toString() {
        return "nginx[" + process + " on 127.0.0.1:" + port + "]";
    }
}
