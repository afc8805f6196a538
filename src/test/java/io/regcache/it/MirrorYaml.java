package io.regcache.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a mirror configuration file for a test and points the mirror at it through the
 * {@code mirror.config} system property, which the WAR deployed next reads at start.
 */
public final class MirrorYaml {
    public static final String PROPERTY = "mirror.config";

    private final Path storage;
    private final List<String> upstreams = new ArrayList<>();
    private final List<String> extra = new ArrayList<>();

    private MirrorYaml(Path storage) {
        this.storage = storage;
    }

    public static MirrorYaml storage(Path storageDir) {
        return new MirrorYaml(storageDir);
    }

    public MirrorYaml upstream(String registry, String url, boolean isDefault) {
        return upstream(registry, url, null, null, isDefault);
    }

    public MirrorYaml upstream(String registry, String url, String username, String password, boolean isDefault) {
        StringBuilder b = new StringBuilder()
                .append("  - registry: ").append(registry).append('\n')
                .append("    url: ").append(url).append('\n')
                .append("    default: ").append(isDefault).append('\n');
        if (username != null) {
            b.append("    username: ").append(username).append('\n')
                    .append("    password: ").append(password).append('\n');
        }
        upstreams.add(b.toString());
        return this;
    }

    /** Raw YAML appended at top level, for settings a test needs. */
    public MirrorYaml with(String yaml) {
        extra.add(yaml);
        return this;
    }

    public String text() {
        return "storage:\n  filesystem:\n    rootdirectory: " + storage + "\n"
                + "upstreams:\n" + String.join("", upstreams)
                + String.join("\n", extra) + "\n";
    }

    /** Writes the configuration to {@code file}, e.g. for a mirror in a child process. */
    public Path writeTo(Path file) {
        try {
            return Files.writeString(file, text());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the file next to the storage directory and makes the next deployment use it;
     * {@link #uninstall()} (run by {@link BeforeDeploy} after the test class) deletes it.
     */
    public void install() {
        try {
            Files.createDirectories(storage);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path file = writeTo(storage.resolveSibling(storage.getFileName() + "-mirror.yml"));
        System.setProperty(PROPERTY, file.toString());
    }

    /** Deletes the file {@link #install()} wrote, if any, and forgets it. */
    public static void uninstall() {
        String file = System.getProperty(PROPERTY);
        System.clearProperty(PROPERTY);
        if (file != null) {
            try {
                Files.deleteIfExists(Path.of(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
