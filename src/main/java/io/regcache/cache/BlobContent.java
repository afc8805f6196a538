package io.regcache.cache;

import io.regcache.oci.Digest;
import io.regcache.oci.ErrorCode;
import io.regcache.upstream.UpstreamException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bytes of a blob, ready to be written to a client: either a verified file on disk or a
 * download in progress that is tailed as it grows. Size is -1 only for a download whose upstream
 * did not announce a length.
 */
public abstract sealed class BlobContent {
    private final Digest digest;
    private final long size;
    private final Leases leases;

    private BlobContent(Digest digest, long size, Leases leases) {
        this.digest = digest;
        this.size = size;
        this.leases = leases;
    }

    public Digest digest() {
        return digest;
    }

    public long size() {
        return size;
    }

    /** Holds the blob against removal while it is being sent (taken before a download commits, it covers the file too). */
    final ReadLease lease() {
        return leases.acquire(digest);
    }

    /**
     * Sends {@code length} bytes from {@code offset} (length -1: to the end) through the sink, as
     * file regions. Throws {@link ClientGoneException} when the client disconnects, and a
     * RegistryException when the content cannot be delivered (a failed or wrong download): the
     * response must then end as an error or, once bytes went out, be aborted, not completed.
     */
    public abstract void writeTo(long offset, long length, RegionSink sink) throws IOException;

    static BlobContent ofFile(Digest digest, Path file, long size, Leases leases) {
        return new OnDisk(digest, file, size, leases);
    }

    static BlobContent ofDownload(BlobDownload download, long size, Leases leases) {
        return new InFlight(download, size, leases);
    }

    static final class OnDisk extends BlobContent {
        private final Path file;

        OnDisk(Digest digest, Path file, long size, Leases leases) {
            super(digest, size, leases);
            this.file = file;
        }

        @Override
        public void writeTo(long offset, long length, RegionSink sink) throws IOException {
            long n = length < 0 ? size() - offset : length;
            try (ReadLease lease = lease();
                 FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                sink.write(ch, offset, n);
            }
        }
    }

    static final class InFlight extends BlobContent {
        private final BlobDownload download;

        InFlight(BlobDownload download, long size, Leases leases) {
            super(download.digest, size, leases);
            this.download = download;
        }

        @Override
        public void writeTo(long offset, long length, RegionSink sink) throws IOException {
            long end = length < 0 ? Long.MAX_VALUE : offset + length;
            try (ReadLease lease = lease(); FileChannel ch = download.open()) {
                long pos = offset;
                while (pos < end) {
                    long limit = download.awaitReadable(pos);
                    if (limit < 0) {
                        break;
                    }
                    long stop = Math.min(limit, end);
                    sink.write(ch, pos, stop - pos); // each region goes out at once: clients see bytes as they arrive
                    pos = stop;
                }
            } catch (UpstreamException e) {
                // before the first byte this becomes an error response; after it, an aborted transfer
                throw UpstreamErrors.toClient(e, ErrorCode.BLOB_UNKNOWN);
            }
        }
    }
}
