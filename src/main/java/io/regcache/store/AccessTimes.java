package io.regcache.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/**
 * Last access kept as a file's modification time: nothing to load or save, and it survives
 * restarts. Content files never change after they are written, so the time is free for this use.
 * Touches are coarse (a minute) so that a busy cache does not write metadata on every request.
 */
final class AccessTimes {
    static final long GRANULARITY_MILLIS = TimeUnit.MINUTES.toMillis(1);

    private AccessTimes() {
    }

    static void touch(Path file) {
        try {
            long now = System.currentTimeMillis();
            if (now - Files.getLastModifiedTime(file).toMillis() >= GRANULARITY_MILLIS) {
                Files.setLastModifiedTime(file, FileTime.fromMillis(now));
            }
        } catch (IOException e) {
            // removed meanwhile: nothing to record
        }
    }
}
