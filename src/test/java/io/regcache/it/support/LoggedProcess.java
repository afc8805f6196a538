package io.regcache.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A long-running child process (registry, containerd) whose merged stdout/stderr is appended line
 * by line to a log file and optionally handed to a listener (used to parse access-log lines).
 */
public final class LoggedProcess implements AutoCloseable {
    private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Thread pump;
    /** Kills the child if the test JVM exits without closing us (e.g. failsafe timeout). */
    private final Thread killOnExit;

    private LoggedProcess(String name, Process process, Path logFile, Consumer<String> listener) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.pump = new Thread(() -> pump(listener), "log-" + name);
        this.pump.setDaemon(true);
        this.pump.start();
        this.killOnExit = new Thread(process::destroyForcibly, "kill-" + name);
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Starts {@code command}; output goes (appended) to {@code logFile}. */
    public static LoggedProcess start(String name, List<String> command, Path workDir, Path logFile,
                                      Consumer<String> lineListener) {
        return start(name, command, workDir, logFile, lineListener, List.of(), Map.of());
    }

    /**
     * Like {@link #start(String, List, Path, Path, Consumer)}, with the variables {@code unsetEnv}
     * removed from the environment the child inherits from this JVM, and then {@code setEnv} set.
     * The child is {@code command} itself, not a wrapper such as {@code env}, so {@link #pid()} is
     * the program's own process.
     */
    public static LoggedProcess start(String name, List<String> command, Path workDir, Path logFile,
                                      Consumer<String> lineListener, Collection<String> unsetEnv,
                                      Map<String, String> setEnv) {
        try {
            Files.writeString(logFile, "=== starting " + name + ": " + String.join(" ", command) + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().keySet().removeAll(unsetEnv);
            pb.environment().putAll(setEnv);
            return new LoggedProcess(name, pb.start(), logFile, lineListener);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + String.join(" ", command) + ")", e);
        }
    }

    private void pump(Consumer<String> listener) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer w = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                     StandardOpenOption.APPEND)) {
            String line;
            while ((line = r.readLine()) != null) {
                w.write(line);
                w.write('\n');
                w.flush();
                if (listener != null) {
                    try {
                        listener.accept(line);
                    } catch (RuntimeException e) {
                        w.write("[it-harness] listener failed on this line: " + e + "\n");
                    }
                }
            }
        } catch (IOException e) {
            // stream closed because the process died; nothing more to log
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The exit status once the process has ended (128 + n when signal n ended it). */
    public int exitValue() {
        return process.exitValue();
    }

    public Path logFile() {
        return logFile;
    }

    /**
     * Waits until a {@code GET} of {@code uri} gets an answer that {@code ready} accepts (a server
     * coming up); fails with the log's tail when the process exits or {@code timeout} passes.
     */
    public void awaitAnswer(URI uri, Duration timeout, Predicate<HttpResponse<String>> ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited during startup; log tail:\n" + tail(40));
            }
            try {
                HttpResponse<String> r = PROBE.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.test(r)) {
                    return;
                }
                last = r.statusCode() + " " + r.headers().map();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            Pause.millis(200);
        }
        throw new IllegalStateException(name + " gave no ready answer to GET " + uri + " within " + timeout
                + " (last: " + last + "); log tail:\n" + tail(40));
    }

    /** Last lines of the log file, for exception messages. */
    public String tail(int lines) {
        return tailOf(logFile, lines);
    }

    public static String tailOf(Path logFile, int lines) {
        try {
            return Files.exists(logFile) ? CommandRunner.tail(Files.readString(logFile), lines) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /**
     * SIGTERM, then SIGKILL after {@code grace} (with no grace, SIGKILL at once: no shutdown of any
     * kind); waits until all output has been pumped.
     */
    public void stop(Duration grace) {
        if (process.isAlive()) {
            if (grace.isZero()) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            pump.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or ran; nothing to undo
        } catch (IllegalArgumentException notRegistered) {
            // stopped twice
        }
    }

    /**
     * {@link #stop(Duration)} for a process that starts others (nginx's workers; a JVM that
     * start.jar would fork with --exec): then SIGKILL to whatever it had started, and waits until
     * each of them has exited.
     */
    public void stopWithDescendants(Duration grace) {
        List<ProcessHandle> descendants = process.descendants().toList();
        try {
            stop(grace);
        } finally {
            descendants.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle p : descendants) {
                try {
                    p.onExit().get(10, TimeUnit.SECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    throw new IllegalStateException("process " + p.pid() + " started by " + this + " did not exit", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + this + " to exit", e);
                }
            }
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + "]";
    }
}
