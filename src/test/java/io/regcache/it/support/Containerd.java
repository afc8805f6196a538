package io.regcache.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A private containerd daemon (own root, state and socket in a temp dir; CRI and the task
 * runtime disabled) plus a {@code ctr --address <socket>} wrapper for pulling through mirrors.
 */
public final class Containerd implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration CTR_TIMEOUT = Duration.ofMinutes(5);

    private final Path dir;
    private final Path socket;
    private final LoggedProcess process;

    private Containerd(Path dir) throws IOException {
        this.dir = dir;
        this.socket = dir.resolve("containerd.sock");
        Path config = dir.resolve("config.toml");
        Files.writeString(config, configToml());
        this.process = LoggedProcess.start("containerd", List.of("containerd", "--config", config.toString()),
                dir, dir.resolve("containerd.log"), null);
    }

    public static Containerd start() {
        RequiredTools.require("containerd", "ctr");
        Path dir = TempDirs.create("containerd");
        Containerd c;
        try {
            c = new Containerd(dir);
        } catch (IOException e) {
            TempDirs.deleteQuietly(dir);
            throw new UncheckedIOException(e);
        }
        try {
            c.awaitReady();
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private String configToml() {
        // Only content, metadata, images and snapshots are needed; CRI would want root-only
        // setup (CNI, cgroups) and the task runtime/monitor are useless for pulls.
        return "version = 2\n"
                + "root = \"" + dir.resolve("root") + "\"\n"
                + "state = \"" + dir.resolve("state") + "\"\n"
                + "disabled_plugins = [\n"
                + "  \"io.containerd.grpc.v1.cri\",\n"
                + "  \"io.containerd.snapshotter.v1.btrfs\",\n"
                + "  \"io.containerd.snapshotter.v1.zfs\",\n"
                + "  \"io.containerd.snapshotter.v1.devmapper\",\n"
                + "  \"io.containerd.snapshotter.v1.aufs\",\n"
                + "  \"io.containerd.runtime.v1.linux\",\n"
                + "  \"io.containerd.monitor.v1.cgroups\",\n"
                + "  \"io.containerd.internal.v1.restart\",\n"
                + "]\n"
                + "[grpc]\n  address = \"" + socket + "\"\n"
                + "[ttrpc]\n  address = \"" + socket + ".ttrpc\"\n"
                + "[debug]\n  address = \"\"\n"
                + "[metrics]\n  address = \"\"\n"
                + "[plugins.\"io.containerd.internal.v1.opt\"]\n  path = \"" + dir.resolve("opt") + "\"\n";
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        CommandResult last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("containerd exited during startup (running as "
                        + System.getProperty("user.name") + "), log tail:\n" + process.tail(30));
            }
            if (Files.exists(socket)) {
                last = CommandRunner.run(ctrCommand("version"), Duration.ofSeconds(5));
                if (last.ok()) {
                    return;
                }
            }
            Pause.millis(50);
        }
        throw new IllegalStateException("containerd not ready within " + START_TIMEOUT
                + (last == null ? "" : "; last ctr version: " + last.describe()) + "\nlog tail:\n" + process.tail(30));
    }

    private List<String> ctrCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ctr", "--address", socket.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** {@code ctr --address <sock> args...}, without throwing on failure. */
    public CommandResult ctr(String... args) {
        return CommandRunner.run(ctrCommand(args), CTR_TIMEOUT);
    }

    /**
     * {@code ctr content fetch --hosts-dir <dir> [--user u:p] <ref>}: downloads manifest(s), config
     * and layers for the host platform into the content store, without unpacking (needs no
     * snapshotter). {@code ref} is a full reference like {@code docker.io/library/x:1}.
     */
    public CommandResult fetch(String ref, Path hostsDir, String userOrNull) {
        return withContainerdLog(fetchAllowingFailure(ref, hostsDir, userOrNull, false));
    }

    /** Like {@link #fetch} for every platform of an index ({@code --all-platforms}). */
    public CommandResult fetchAllPlatforms(String ref, Path hostsDir, String userOrNull) {
        return withContainerdLog(fetchAllowingFailure(ref, hostsDir, userOrNull, true));
    }

    public CommandResult fetchAllowingFailure(String ref, Path hostsDir, String userOrNull, boolean allPlatforms) {
        List<String> args = new ArrayList<>(List.of("content", "fetch", "--hosts-dir", hostsDir.toString()));
        if (userOrNull != null) {
            args.add("--user");
            args.add(userOrNull);
        }
        if (allPlatforms) {
            args.add("--all-platforms");
        }
        args.add(ref);
        return ctr(args.toArray(String[]::new));
    }

    /** Digests in the content store ({@code ctr content ls -q}). */
    public Set<String> contentDigests() {
        CommandResult r = ctr("content", "ls", "-q").orThrow();
        Set<String> out = new LinkedHashSet<>();
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("sha256:")) {
                out.add(line.trim());
            }
        }
        return out;
    }

    /** Image names known to containerd ({@code ctr images ls -q}). */
    public Set<String> images() {
        CommandResult r = ctr("images", "ls", "-q").orThrow();
        Set<String> out = new LinkedHashSet<>();
        for (String line : r.stdout().split("\n")) {
            if (!line.isBlank()) {
                out.add(line.trim());
            }
        }
        return out;
    }

    /** Deletes all images and content, so the next fetch downloads everything again. */
    public void reset() {
        Set<String> images = images();
        if (!images.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("images", "rm", "--sync"));
            args.addAll(images);
            ctr(args.toArray(String[]::new)).orThrow();
        }
        Set<String> digests = contentDigests();
        if (!digests.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("content", "rm"));
            args.addAll(digests);
            ctr(args.toArray(String[]::new)).orThrow();
        }
    }

    private CommandResult withContainerdLog(CommandResult r) {
        if (!r.ok()) {
            throw new IllegalStateException(r.describe() + "\n--- containerd log tail ---\n" + process.tail(20));
        }
        return r;
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(5));
        TempDirs.deleteQuietly(dir);
    }
}
