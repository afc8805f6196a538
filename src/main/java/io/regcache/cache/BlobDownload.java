package io.regcache.cache;

import io.regcache.oci.Access;
import io.regcache.oci.Digest;
import io.regcache.oci.Repository;
import io.regcache.upstream.UpstreamException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * One upstream download of a blob into a temp file, shared by every client that wants the blob
 * meanwhile. The downloader reports progress; readers tail the temp file up to what has been
 * written. Until the digest is verified, readers are never given the blob's last byte, so a client
 * can never receive a complete body with wrong content: on a mismatch its response is cut short.
 */
final class BlobDownload {
    enum State { STARTING, RUNNING, VERIFIED, DONE, FAILED }

    /** How long a reader waits without any progress before giving up on its own. */
    static final long READER_PATIENCE_NANOS = TimeUnit.MINUTES.toNanos(10);

    final Digest digest;
    final Path tempFile;
    /** The repository the download was started for: the upstream's 200 confirms that one has the blob... */
    final Repository origin;
    /** ...for callers of this access. */
    final Access access;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private State state = State.STARTING;
    private long size = -1;
    private long written;
    private boolean allWritten;
    private Path committed;
    private UpstreamException failure;

    BlobDownload(Digest digest, Path tempFile, Repository origin, Access access) {
        this.digest = digest;
        this.tempFile = tempFile;
        this.origin = origin;
        this.access = access;
    }

    // ---- downloader side

    void started(long totalSize) {
        update(() -> {
            size = totalSize;
            state = State.RUNNING;
        });
    }

    void progressed(long bytesWritten) {
        update(() -> written = bytesWritten);
    }

    /** The upstream delivered everything; the digest is still being checked. */
    void allWritten(long totalSize) {
        update(() -> {
            written = totalSize;
            allWritten = true;
        });
    }

    /** Size and digest are right: readers may have the last byte while the file is made durable. */
    void verified(long totalSize) {
        update(() -> {
            size = totalSize;
            written = totalSize;
            state = State.VERIFIED;
        });
    }

    void completed(Path committedFile, long totalSize) {
        update(() -> {
            committed = committedFile;
            size = totalSize;
            written = totalSize;
            state = State.DONE;
        });
    }

    void failed(UpstreamException cause) {
        update(() -> {
            failure = cause;
            state = State.FAILED;
        });
    }

    private void update(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- reader side

    /** Waits until the upstream answered; returns the total size, or -1 when the upstream did not say. */
    long awaitStart() {
        lock.lock();
        try {
            long deadline = System.nanoTime() + READER_PATIENCE_NANOS;
            while (state == State.STARTING) {
                awaitChange(deadline);
            }
            if (state == State.FAILED) {
                throw failure;
            }
            return size;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until bytes after {@code position} may be read; returns the exclusive end of what may
     * be read now, or -1 at the end of the verified blob. Throws the download's failure.
     * Every failure is an {@link UpstreamException}, which the service maps to an OCI error.
     */
    long awaitReadable(long position) {
        return awaitBeyond(position, () -> state == State.DONE || state == State.VERIFIED ? written : readableLimit(),
                () -> state == State.DONE || state == State.VERIFIED);
    }

    /**
     * For the digest check, which may read everything written, last byte included: waits until
     * bytes after {@code position} are written; returns how far, or -1 once all is written and read.
     */
    long awaitWritten(long position) {
        return awaitBeyond(position, () -> written, () -> allWritten);
    }

    /**
     * Waits until {@code limit} (evaluated under the lock) passes {@code position}; returns it, or
     * -1 when nothing more will come ({@code finished}). Throws the download's failure.
     */
    private long awaitBeyond(long position, LongSupplier limit, BooleanSupplier finished) {
        lock.lock();
        try {
            long deadline = System.nanoTime() + READER_PATIENCE_NANOS;
            while (true) {
                if (state == State.FAILED) {
                    throw failure;
                }
                long end = limit.getAsLong();
                if (end > position) {
                    return end;
                }
                if (finished.getAsBoolean()) {
                    return -1;
                }
                awaitChange(deadline);
            }
        } finally {
            lock.unlock();
        }
    }

    /** While unverified, the last byte stays back: all written when more is due, else all but one. */
    private long readableLimit() {
        if (size >= 0 && written < size) {
            return written;
        }
        return written - 1;
    }

    private void awaitChange(long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw UpstreamException.unreachable("download of " + digest + " made no progress", null);
        }
        try {
            changed.awaitNanos(left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw UpstreamException.unreachable("interrupted while waiting for " + digest, e);
        }
    }

    /** Opens the bytes for reading: the temp file while running, the committed file once done. */
    FileChannel open() throws IOException {
        try {
            return FileChannel.open(tempFile, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            lock.lock();
            try {
                long deadline = System.nanoTime() + READER_PATIENCE_NANOS;
                while (state == State.VERIFIED) {
                    awaitChange(deadline); // renamed a moment ago: the commit is landing
                }
                if (state == State.DONE) {
                    return FileChannel.open(committed, StandardOpenOption.READ);
                }
                if (state == State.FAILED) {
                    throw failure;
                }
                throw e;
            } finally {
                lock.unlock();
            }
        }
    }
}
