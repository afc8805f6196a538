package io.regcache.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs short-lived CLI commands (skopeo, ctr) with a timeout and captures their output. */
public final class CommandRunner {
    private CommandRunner() {
    }

    public static CommandResult run(List<String> command, Duration timeout) {
        return run(command, timeout, Map.of());
    }

    public static CommandResult run(List<String> command, Duration timeout, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
        // Drain both pipes concurrently, or a chatty child blocks on a full pipe.
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        out.start();
        err.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                out.join(2000);
                err.join(2000);
                throw new IllegalStateException("command timed out after " + timeout + ": "
                        + String.join(" ", command) + "\n--- stdout ---\n" + tail(out.text(), 40)
                        + "\n--- stderr ---\n" + tail(err.text(), 40));
            }
            out.join();
            err.join();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
        return new CommandResult(List.copyOf(command), p.exitValue(), out.text(), err.text());
    }

    /** The last {@code lines} lines of a text, for error messages. */
    public static String tail(String text, int lines) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        String[] all = text.split("\n", -1);
        int from = Math.max(0, all.length - lines);
        List<String> kept = new ArrayList<>(List.of(all).subList(from, all.length));
        return (from > 0 ? "[... " + from + " earlier lines]\n" : "") + String.join("\n", kept);
    }

    private static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Drain(InputStream in) {
            this.in = in;
            setDaemon(true);
        }

        @Override
        public void run() {
            try (in) {
                in.transferTo(buf);
            } catch (IOException ignored) {
                // process killed; keep what we have
            }
        }

        synchronized String text() {
            return buf.toString(StandardCharsets.UTF_8);
        }
    }
}
