package io.regcache.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A containerd {@code --hosts-dir} directory: {@code <dir>/<registry host>/hosts.toml} entries
 * that send pulls for a registry host to a mirror.
 *
 * <p>For a mirror host entry containerd 1.6 appends {@code ?ns=<registry host>} to every request
 * (e.g. {@code /v2/library/x/manifests/1?ns=docker.io}); the {@code server} line is only the
 * fallback, and is unreachable here.
 */
public final class ContainerdHosts implements AutoCloseable {
    private final Path dir;

    private ContainerdHosts(Path dir) {
        this.dir = dir;
    }

    /** An empty hosts dir in a new temp dir (deleted on close). */
    public static ContainerdHosts create() {
        return new ContainerdHosts(TempDirs.create("hosts"));
    }

    /** Routes pulls of {@code registryHost} (e.g. {@code docker.io}, {@code ghcr.io}) to {@code mirrorUrl}. */
    public ContainerdHosts mirror(String registryHost, String mirrorUrl) {
        write(dir, registryHost, mirrorUrl);
        return this;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Writes {@code <hostsDir>/<registryHost>/hosts.toml} with the registry's real server as
     * fallback and {@code mirrorUrl} (http://127.0.0.1:PORT) as a pull/resolve host.
     */
    public static Path write(Path hostsDir, String registryHost, String mirrorUrl) {
        String server = "docker.io".equals(registryHost) ? "https://registry-1.docker.io" : "https://" + registryHost;
        String toml = "server = \"" + server + "\"\n\n"
                + "[host.\"" + mirrorUrl + "\"]\n"
                + "  capabilities = [\"pull\", \"resolve\"]\n";
        try {
            Path d = Files.createDirectories(hostsDir.resolve(registryHost));
            return Files.writeString(d.resolve("hosts.toml"), toml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        TempDirs.deleteQuietly(dir);
    }
}
