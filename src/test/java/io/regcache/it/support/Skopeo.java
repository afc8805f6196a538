package io.regcache.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Wrapper around the {@code skopeo} CLI for plain-HTTP loopback registries.
 *
 * <p>Every call uses {@code --insecure-policy} (no dependency on /etc/containers/policy.json), an
 * empty private auth file (a developer's own ~/.docker or XDG auth.json never leaks in) and a
 * private {@code --tmpdir} (big layers are staged there, not in /var/tmp).
 */
public final class Skopeo implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final Path dir;
    private final Path authFile;
    private final Path tmp;

    public Skopeo() {
        RequiredTools.require("skopeo");
        this.dir = TempDirs.create("skopeo");
        this.authFile = dir.resolve("auth.json");
        this.tmp = dir.resolve("tmp");
        try {
            Files.createDirectories(tmp);
            Files.writeString(authFile, "{\"auths\":{}}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code skopeo <global flags> args...}; throws with the output if it fails. */
    private CommandResult run(String... args) {
        return runAllowingFailure(args).orThrow();
    }

    /** Like {@link #run} but returns a failed result instead of throwing. */
    private CommandResult runAllowingFailure(String... args) {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "--insecure-policy", "--tmpdir", tmp.toString()));
        cmd.addAll(List.of(args));
        // REGISTRY_AUTH_FILE covers subcommands/flags that would otherwise read the default auth file.
        return CommandRunner.run(cmd, TIMEOUT, Map.of("REGISTRY_AUTH_FILE", authFile.toString(), "TMPDIR", tmp.toString()));
    }

    /**
     * {@code skopeo copy docker://src dir:destDir}; throws with skopeo's output if it fails. With
     * {@code all}, a multi-arch image is copied whole (index plus every instance); the dir then holds
     * {@code manifest.json}, one {@code <hex>.manifest.json} per instance, and every blob as a file
     * named by its hex digest.
     *
     * @param creds {@code user:password} or null for anonymous
     * @param extraArgs further options of {@code copy}, given after (so overriding) the defaults,
     *                  e.g. {@code --src-tls-verify=true} for a registry behind TLS
     */
    public CommandResult copyToDir(String srcRef, Path destDir, String creds, boolean all, String... extraArgs) {
        return copyToDirAllowingFailure(srcRef, destDir, creds, all, extraArgs).orThrow();
    }

    /** Like {@link #copyToDir} but returns a failed result instead of throwing, e.g. to assert a refusal. */
    public CommandResult copyToDirAllowingFailure(String srcRef, Path destDir, String creds, boolean all,
                                                  String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("copy", "--src-tls-verify=false", "--authfile", authFile.toString()));
        args.add(creds == null ? "--src-no-creds" : "--src-creds=" + creds);
        if (all) {
            args.add("--all");
        }
        args.addAll(List.of(extraArgs));
        args.add(dockerRef(srcRef));
        args.add("dir:" + destDir);
        return runAllowingFailure(args.toArray(String[]::new));
    }

    /** Pushes a local image (e.g. {@code oci:/path:tag}) to a registry over plain HTTP. */
    public CommandResult push(String srcRef, String destRef, String creds, boolean all, String format) {
        List<String> args = new ArrayList<>(List.of("copy", "--dest-tls-verify=false", "--authfile", authFile.toString()));
        args.add(creds == null ? "--dest-no-creds" : "--dest-creds=" + creds);
        if (all) {
            args.add("--all");
        }
        if (format != null) {
            args.add("--format=" + format);
        }
        args.add(srcRef);
        args.add(dockerRef(destRef));
        return run(args.toArray(String[]::new));
    }

    /** {@code skopeo inspect --raw}: the exact manifest bytes the registry serves for {@code ref}. */
    public byte[] inspectRaw(String ref, String creds) {
        return inspectRawResult(ref, creds).orThrow().stdout().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code inspect --raw} without throwing, e.g. to assert that anonymous access is refused. */
    public CommandResult inspectRawResult(String ref, String creds) {
        return runAllowingFailure("inspect", "--raw", "--tls-verify=false",
                "--authfile", authFile.toString(),
                creds == null ? "--no-creds" : "--creds=" + creds, dockerRef(ref));
    }

    /** Blob digests in a {@code dir:} copy: files named by a bare 64-hex digest. */
    public static Set<String> blobDigestsInDir(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("[0-9a-f]{64}"))
                    .map(n -> "sha256:" + n).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Instance manifests of a {@code dir:} copy made with {@code --all}: digest to bytes. */
    public static Map<String, byte[]> instanceManifestsInDir(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            Map<String, byte[]> out = new TreeMap<>();
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.matches("[0-9a-f]{64}\\.manifest\\.json")) {
                    out.put("sha256:" + n.substring(0, 64), Files.readAllBytes(f));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds {@code docker://} unless the reference already names a transport. */
    static String dockerRef(String ref) {
        return ref.matches("^[a-z-]+:(//|/).*") && !ref.matches("^[^/]+:\\d+/.*") ? ref : "docker://" + ref;
    }

    @Override
    public void close() {
        TempDirs.deleteQuietly(dir);
    }
}
