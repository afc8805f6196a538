package io.regcache.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;

/**
 * Last access kept as a file's modification time: nothing to load or save, and it survives
 * restarts. Content files never change after they are written, so the time is free for this use.
 * Touches are coarse (the granularity the caller gives, a minute at most) so that a busy cache
 * does not write metadata on every request.
 */
final class AccessTimes {
    private AccessTimes() {
    }

    static void touch(Path file, Duration granularity) {
        try {
            touch(file, granularity, Files.getLastModifiedTime(file).toMillis());
        } catch (IOException e) {
            // removed meanwhile: nothing to record
        }
    }

    /** As above, for a file whose modification time the caller has just read. */
    static void touch(Path file, Duration granularity, long lastModified) {
        long now = System.currentTimeMillis();
        if (now - lastModified >= granularity.toMillis()) {
            try {
                Files.setLastModifiedTime(file, FileTime.fromMillis(now));
            } catch (IOException e) {
                // removed meanwhile: nothing to record
            }
        }
    }
}
