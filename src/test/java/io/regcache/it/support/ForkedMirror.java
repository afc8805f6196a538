package io.regcache.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The repository's {@code jetty-base/} started the way users start it, as a child JVM:
 * {@code java -Dmirror.config=<file> -jar <jetty-home>/start.jar jetty.base=<absolute path>}, with
 * jetty-home as unpacked by the build into {@code target/jetty-home} and the WAR built by
 * {@code package}.
 *
 * <p>Everything the run writes lives in a directory the test owns: Jetty's working directory
 * ({@code work/}), its temp dir with the extracted WAR ({@code tmp/}), the request log
 * ({@code logs/}) and the merged stdout/stderr ({@code <name>.log}); the mirror's storage is
 * wherever the configuration file says. The source tree is left untouched. Starting again with
 * the same directory, configuration and port is a restart on the same storage.
 *
 * <p>Variables that would override the test's configuration file are removed from the child's
 * environment. The base does not use {@code --exec}, so the child is the one JVM that serves.
 */
public final class ForkedMirror implements AutoCloseable {
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Environment that would override the test's configuration file inside the child. */
    public static final List<String> CONFIG_ENV = List.of("MIRROR_CONFIG", "REGISTRY_PROXY_REMOTEURL",
            "REGISTRY_PROXY_USERNAME", "REGISTRY_PROXY_PASSWORD", "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY",
            "JETTY_HOME", "JETTY_BASE");

    private final LoggedProcess process;
    private final Path startJar;
    private final URL url;
    private final Path requestLogDir;

    private ForkedMirror(LoggedProcess process, Path startJar, URL url, Path requestLogDir) {
        this.process = process;
        this.startJar = startJar;
        this.url = url;
        this.requestLogDir = requestLogDir;
    }

    /** The repository's {@code jetty-base/}, absolute. */
    public static Path jettyBase() {
        return Path.of("jetty-base").toAbsolutePath().normalize();
    }

    /** jetty-home's {@code start.jar}, from the system property failsafe sets. */
    public static Path startJar() {
        return Path.of(System.getProperty("regcache.jetty.home", "target/jetty-home/jetty-home-12.0.38"))
                .resolve("start.jar").toAbsolutePath();
    }

    /** The packaged WAR that {@code jetty-base/webapps/regcache.xml} deploys. */
    public static Path war() {
        return Path.of(System.getProperty("regcache.war", "target/regcache.war")).toAbsolutePath();
    }

    /** Fails unless the base, jetty-home and the WAR are where {@code mvn verify} puts them. */
    public static void requireBuild() {
        for (Path required : List.of(jettyBase().resolve("webapps/regcache.xml"), startJar(), war())) {
            if (!Files.isRegularFile(required)) {
                throw new IllegalStateException(required + " is missing: run the tests with `mvn verify`, which"
                        + " packages the WAR and unpacks jetty-home into target/ first");
            }
        }
    }

    /**
     * Starts Jetty on {@code 127.0.0.1:port} with the mirror reading {@code config}, and waits
     * until {@code GET /v2/} answers like a registry. {@code name} names the log file in
     * {@code dir} and the process in messages. If the start fails, the child is stopped and the
     * exception carries the tail of its log.
     */
    public static ForkedMirror start(Path dir, Path config, int port, String name) {
        requireBuild();
        Path base = jettyBase();
        Path startJar = startJar();
        try {
            Path requestLogDir = Files.createDirectories(dir.resolve("logs"));
            Path work = Files.createDirectories(dir.resolve("work"));
            Path tmp = Files.createDirectories(dir.resolve("tmp"));
            List<String> command = List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dmirror.config=" + config,
                    "-Djava.io.tmpdir=" + tmp,
                    "-jar", startJar.toString(),
                    "jetty.base=" + base,
                    "jetty.http.host=127.0.0.1",
                    "jetty.http.port=" + port,
                    "jetty.requestlog.dir=" + requestLogDir);
            LoggedProcess process = LoggedProcess.start(name, command, work, dir.resolve(name + ".log"), null,
                    CONFIG_ENV, Map.of());
            ForkedMirror mirror = new ForkedMirror(process, startJar, new URL("http://127.0.0.1:" + port), requestLogDir);
            try {
                mirror.awaitReady();
            } catch (RuntimeException e) {
                mirror.stop();
                throw e;
            }
            return mirror;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        process.awaitAnswer(URI.create(url + "/v2/"), START_TIMEOUT, r -> r.statusCode() == 200
                && "registry/2.0".equals(r.headers().firstValue("Docker-Distribution-API-Version").orElse(null)));
    }

    public URL url() {
        return url;
    }

    /** {@code host:port}, as image references name a registry. */
    public String hostPort() {
        return url.getHost() + ":" + url.getPort();
    }

    public Path requestLogDir() {
        return requestLogDir;
    }

    /** Everything the child wrote to stdout and stderr so far. */
    public String log() {
        try {
            return Files.readString(process.logFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String tail(int lines) {
        return process.tail(lines);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit status once the JVM has ended; 137 after {@link #kill()}. */
    public int exitValue() {
        return process.exitValue();
    }

    /**
     * The JVM that runs Jetty: checks that the child is {@code java} running {@code start.jar} and
     * has started no process of its own (with {@code --exec}, start.jar would fork the server into
     * a second JVM, and killing the first would leave the server running).
     */
    public ProcessHandle jvm() {
        ProcessHandle handle = ProcessHandle.of(process.pid())
                .orElseThrow(() -> new IllegalStateException(process + " is not running"));
        ProcessHandle.Info info = handle.info();
        String command = info.command().orElse("");
        List<String> args = List.of(info.arguments().orElse(new String[0]));
        if (!Path.of(command).getFileName().toString().equals("java") || !args.contains(startJar.toString())) {
            throw new IllegalStateException(process + " is not the Jetty JVM: " + info);
        }
        List<ProcessHandle> children = handle.children().toList();
        if (!children.isEmpty()) {
            throw new IllegalStateException(process + " has child processes, so it may not be the JVM that serves: "
                    + children.stream().map(ProcessHandle::info).toList());
        }
        return handle;
    }

    /**
     * {@code kill -9}: SIGKILL to the JVM (and to anything it started), no shutdown of any kind;
     * returns once the JVM is gone and its output is in the log.
     */
    public void kill() {
        process.stopWithDescendants(Duration.ZERO);
    }

    /**
     * SIGTERM to Jetty (graceful stop), SIGKILL after 10 s; then kills whatever it started (nothing
     * as long as the base does not use --exec, which would fork a second JVM).
     */
    public void stop() {
        process.stopWithDescendants(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return process + " at " + url;
    }
}
