package io.regcache.cache;

import io.regcache.oci.Digest;
import io.regcache.oci.ErrorCode;
import io.regcache.upstream.UpstreamException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The bytes of a blob, ready to be written to a client: either a verified file on disk or a
 * download in progress that is tailed as it grows. Size is -1 only for a download whose upstream
 * did not announce a length.
 */
public abstract sealed class BlobContent {
    static final int CHUNK = 256 * 1024;

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

    /** The verified file, when the blob is complete on disk (for zero-copy senders). */
    public abstract Optional<Path> file();

    /** Holds the file against removal while a sender reads it by other means than {@link #writeTo}. */
    public abstract ReadLease lease();

    /**
     * Writes {@code length} bytes from {@code offset} (length -1: to the end). Throws
     * {@link ClientGoneException} when the client disconnects, and a RegistryException when the
     * content cannot be delivered (a failed or wrong download): the response must then end as an
     * error or, once bytes went out, be aborted rather than completed.
     */
    public abstract void writeTo(long offset, long length, OutputStream out) throws IOException;

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
        public Optional<Path> file() {
            return Optional.of(file);
        }

        @Override
        public ReadLease lease() {
            return leases.acquire(digest());
        }

        @Override
        public void writeTo(long offset, long length, OutputStream out) throws IOException {
            long end = length < 0 ? size() : offset + length;
            try (ReadLease lease = lease();
                 FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                copy(ch, offset, end, out);
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

        @Override
        public Optional<Path> file() {
            return Optional.empty();
        }

        /** Taken before the blob is committed, so the committed file is protected too. */
        @Override
        public ReadLease lease() {
            return leases.acquire(digest());
        }

        @Override
        public void writeTo(long offset, long length, OutputStream out) throws IOException {
            long end = length < 0 ? Long.MAX_VALUE : offset + length;
            try (ReadLease lease = lease(); FileChannel ch = download.open()) {
                long pos = offset;
                while (pos < end) {
                    long limit = download.awaitReadable(pos);
                    if (limit < 0) {
                        break;
                    }
                    long stop = Math.min(limit, end);
                    copy(ch, pos, stop, out);
                    try {
                        out.flush(); // clients see bytes as they arrive, not when a buffer fills
                    } catch (IOException e) {
                        throw new ClientGoneException(e);
                    }
                    pos = stop;
                }
            } catch (UpstreamException e) {
                // before the first byte this becomes an error response; after it, an aborted transfer
                throw UpstreamErrors.toClient(e, ErrorCode.BLOB_UNKNOWN);
            }
        }
    }

    static void copy(FileChannel ch, long from, long to, OutputStream out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(to - from, 1)));
        long pos = from;
        while (pos < to) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), to - pos));
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("blob file ended early at " + pos);
            }
            try {
                out.write(buf.array(), 0, n);
            } catch (IOException e) {
                throw new ClientGoneException(e);
            }
            pos += n;
        }
    }
}
