package io.regcache.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Log files a server writes into a directory (access logs, written asynchronously). */
public final class LogFiles {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final Path dir;
    private final Predicate<String> fileName;

    /** The files in {@code dir} whose names {@code fileName} accepts, read in name order. */
    public LogFiles(Path dir, Predicate<String> fileName) {
        this.dir = dir;
        this.fileName = fileName;
    }

    /** All their lines now. */
    public List<String> lines() {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> lines = new ArrayList<>();
            for (Path f : files.filter(f -> fileName.test(f.getFileName().toString())).sorted().toList()) {
                lines.addAll(Files.readAllLines(f));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Their lines once {@code condition} holds for them; fails with the lines after 15 seconds. */
    public List<String> await(Predicate<List<String>> condition) {
        AtomicReference<List<String>> seen = new AtomicReference<>(List.of());
        Poll.until(() -> "the logs in " + dir + " to reach the expected state; lines:\n  " + String.join("\n  ", seen.get()),
                TIMEOUT, () -> condition.test(seen.updateAndGet(previous -> lines())));
        return seen.get();
    }
}
