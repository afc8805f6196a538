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

    private BlobContent(Digest digest, long size) {
        this.digest = digest;
        this.size = size;
    }

    public Digest digest() {
        return digest;
    }

    public long size() {
        return size;
    }

    /** Holds the blob against removal while it is being sent. */
    abstract ReadLease lease();

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
        private final Leases leases;

        OnDisk(Digest digest, Path file, long size, Leases leases) {
            super(digest, size);
            this.file = file;
            this.leases = leases;
        }

        @Override
        ReadLease lease() {
            return leases.acquire(digest());
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
        private final Leases leases;

        InFlight(BlobDownload download, long size, Leases leases) {
            super(download.digest, size);
            this.download = download;
            this.leases = leases;
        }

        /** Taken before the blob is committed, so the committed file is protected too. */
        @Override
        ReadLease lease() {
            return leases.acquire(digest());
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
