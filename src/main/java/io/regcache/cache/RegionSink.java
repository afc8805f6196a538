package io.regcache.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Where blob bytes go: a region of a file (a verified blob, or the part of a download that has
 * arrived). The HTTP layer supplies it, choosing how bytes reach the socket; the cache decides
 * which regions may be sent and when. Throws {@link ClientGoneException} when the client left.
 */
@FunctionalInterface
public interface RegionSink {
    void write(FileChannel file, long position, long length) throws IOException;
}
