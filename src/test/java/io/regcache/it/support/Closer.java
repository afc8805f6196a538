package io.regcache.it.support;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a test started (processes, servers, temp directories), closed in reverse order. Every
 * resource is closed even when one fails; the first failure is thrown, later ones suppressed.
 */
public final class Closer implements AutoCloseable {
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    /** Registers {@code resource} to be closed, and returns it. */
    public synchronized <T extends AutoCloseable> T add(T resource) {
        resources.push(resource);
        return resource;
    }

    /** A new temp directory, deleted on close. */
    public Path tempDir(String prefix) {
        Path dir = TempDirs.create(prefix);
        add(() -> TempDirs.deleteQuietly(dir));
        return dir;
    }

    @Override
    public synchronized void close() throws Exception {
        Exception first = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
