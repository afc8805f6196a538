package io.regcache.cache;

import io.regcache.metrics.Telemetry;
import io.regcache.oci.Access;
import io.regcache.oci.Digest;
import io.regcache.oci.Repository;
import io.regcache.oci.RepositoryName;
import io.regcache.store.BlobStore;
import io.regcache.upstream.Upstream;
import io.regcache.upstream.UpstreamException;
import io.regcache.upstream.UpstreamResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads blobs from upstreams, one download per digest however many clients ask. A download
 * runs on its own worker thread, so a client that disconnects does not stop it; it survives
 * dropped connections by resuming with a Range request from the last byte written (or by starting
 * over, comparing what it already has), retries transient failures with backoff, and commits the
 * blob to the store only when size and digest are right. The digest is computed by a second
 * thread from the bytes on disk as they land, so hashing does not slow the download down.
 */
final class BlobFetcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BlobFetcher.class.getName());
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int MAX_ATTEMPTS = 8;
    private static final int READ_CHUNK = 256 * 1024;

    private final BlobStore store;
    private final Duration stallTimeout;
    private final Telemetry telemetry;
    private final ConcurrentHashMap<Digest, BlobDownload> inFlight = new ConcurrentHashMap<>();
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers;
    private final ScheduledExecutorService watchdog;

    BlobFetcher(BlobStore store, Duration stallTimeout, Telemetry telemetry) {
        this.telemetry = telemetry;
        this.store = store;
        this.stallTimeout = stallTimeout;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> daemon(r, "blob-download-" + n.incrementAndGet()));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "blob-download-watchdog"));
        watchdog.scheduleWithFixedDelay(this::abortStalled, 1, 1, TimeUnit.SECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The running download of the digest, a new one, or null when the blob is already on disk. */
    BlobDownload join(Upstream upstream, Repository repo, Digest digest, Access access) {
        return inFlight.computeIfAbsent(digest, d -> {
            if (store.contains(d)) {
                return null;
            }
            try {
                BlobDownload download = new BlobDownload(d, store.newTempFile(), repo, access);
                workers.execute(() -> run(download, upstream, repo.name(), access));
                return download;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temp file for " + d, e);
            }
        });
    }

    /** Number of downloads in progress. */
    int inFlightCount() {
        return inFlight.size();
    }

    private void run(BlobDownload download, Upstream upstream, RepositoryName name, Access access) {
        long started = System.nanoTime();
        // the digest is computed beside the download, from what lands on disk, by a second thread
        Future<Digest> hashing = workers.submit(() -> hashAsWritten(download));
        try {
            long size = fetch(download, upstream, name, access);
            download.allWritten(size);
            Digest actual = hashing.get();
            if (!actual.equals(download.digest)) {
                throw UpstreamException.badResponse("upstream sent bytes with digest " + actual + " for " + download.digest);
            }
            download.verified(size); // clients finish now; making the file durable does not hold them up
            Path committed = store.commit(download.tempFile, download.digest);
            inFlight.remove(download.digest, download); // from now on requests find the file
            download.completed(committed, size);
            double secs = (System.nanoTime() - started) / 1e9;
            LOG.info(() -> String.format("fetched %s (%d bytes) from %s/%s in %.2f s", download.digest, size,
                    upstream.registry(), name, secs));
        } catch (RuntimeException | IOException | InterruptedException | ExecutionException e) {
            Throwable cause = e instanceof ExecutionException ee && ee.getCause() != null ? ee.getCause() : e;
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // out of the map first: a request arriving now starts afresh instead of joining a failure
            inFlight.remove(download.digest, download);
            LOG.warning("download of " + download.digest + " from " + upstream.registry() + "/" + name
                    + " failed: " + cause.getMessage());
            deleteQuietly(download.tempFile);
            UpstreamException failure = cause instanceof UpstreamException u ? u
                    : UpstreamException.unreachable("download failed: " + cause.getMessage(), cause);
            download.failed(failure);
            hashing.cancel(true);
        }
    }

    /** Hashes the temp file as it grows, up to everything written; the digest of what is on disk. */
    private static Digest hashAsWritten(BlobDownload download) throws IOException {
        MessageDigest hasher = download.digest.newHasher();
        ByteBuffer buf = ByteBuffer.allocate(READ_CHUNK);
        try (FileChannel file = FileChannel.open(download.tempFile, StandardOpenOption.READ)) {
            long pos = 0;
            long end;
            while ((end = download.awaitWritten(pos)) >= 0) {
                while (pos < end) {
                    buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                    int n = file.read(buf, pos);
                    if (n < 0) {
                        throw new IOException("temp file shorter than written");
                    }
                    hasher.update(buf.array(), 0, n);
                    pos += n;
                }
            }
        }
        return Digest.fromHash(download.digest.algorithm(), hasher.digest());
    }

    /** Where a download stands; survives failed attempts so that the next one resumes. */
    private static final class Transfer {
        long written;
        long size = -1;
        boolean started;
    }

    /** Downloads into the temp file; returns the size. */
    private long fetch(BlobDownload download, Upstream upstream, RepositoryName name, Access access) throws IOException {
        Transfer t = new Transfer();
        int attempts = 0;
        try (FileChannel file = FileChannel.open(download.tempFile, StandardOpenOption.WRITE)) {
            while (true) {
                attempts++;
                long before = t.written;
                try (UpstreamResponse r = upstream.getBlob(name, download.digest, t.written, access)) {
                    long offset = 0;
                    long total = r.contentLength();
                    if (r.status() == 206) {
                        Matcher m = CONTENT_RANGE.matcher(r.header("Content-Range").orElse(""));
                        if (!m.matches() || Long.parseLong(m.group(1)) != t.written) {
                            throw UpstreamException.badResponse("upstream answered a resumed download with a wrong Content-Range");
                        }
                        offset = t.written;
                        total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
                    } // a 200 is the whole blob from byte 0, whatever was asked: copy() compares what it has
                    if (!t.started) {
                        t.size = total;
                        t.started = true;
                        download.started(total);
                    } else if (total >= 0 && t.size >= 0 && total != t.size) {
                        throw UpstreamException.badResponse("blob size changed between attempts: " + t.size + " then " + total);
                    }
                    copy(r, file, t, offset, download, upstream.registry());
                    if (t.size >= 0 && t.written < t.size) {
                        throw new IOException("upstream closed the body after " + t.written + " of " + t.size + " bytes");
                    }
                    break;
                } catch (UpstreamException e) {
                    // before the first byte, clients are waiting: give up quickly and let them see the error
                    int allowed = t.started ? MAX_ATTEMPTS : 2;
                    if (!e.isOutage() || e.kind() == UpstreamException.Kind.RATE_LIMITED || attempts >= allowed) {
                        throw e;
                    }
                    backoff(download, attempts, e);
                } catch (IOException e) {
                    if (attempts >= MAX_ATTEMPTS) {
                        throw e;
                    }
                    if (t.written > before) {
                        attempts = Math.min(attempts, MAX_ATTEMPTS / 2); // progress earns more tries
                    }
                    backoff(download, attempts, e);
                }
            }
        }
        if (t.size >= 0 && t.written != t.size) {
            throw UpstreamException.badResponse("upstream sent " + t.written + " of " + t.size + " bytes");
        }
        return t.written;
    }

    /**
     * Copies the body to the file from {@code offset}. Bytes below what was
     * already written (an upstream that restarted from 0) are compared with the file instead of
     * rewritten, so readers tailing the file never see it shrink or change.
     */
    private void copy(UpstreamResponse r, FileChannel file, Transfer t, long offset, BlobDownload download,
                      String registry) throws IOException {
        Watch watch = new Watch(r);
        watches.add(watch);
        try {
            InputStream in = r.body();
            byte[] buf = new byte[READ_CHUNK];
            ByteBuffer existing = ByteBuffer.allocate(READ_CHUNK);
            long pos = offset;
            int n;
            while ((n = in.read(buf)) > 0) {
                watch.progress();
                telemetry.pulled(registry, "blob", n);
                if (t.size >= 0 && pos + n > t.size) {
                    throw UpstreamException.badResponse("upstream sent more than the announced " + t.size + " bytes");
                }
                int skip = (int) Math.max(0, Math.min(n, t.written - pos));
                if (skip > 0) {
                    existing.clear().limit(skip);
                    file.read(existing, pos);
                    if (existing.position() != skip || !Arrays.equals(buf, 0, skip, existing.array(), 0, skip)) {
                        throw UpstreamException.badResponse("upstream content changed between attempts");
                    }
                }
                if (n > skip) {
                    ByteBuffer out = ByteBuffer.wrap(buf, skip, n - skip);
                    long at = pos + skip;
                    while (out.hasRemaining()) {
                        at += file.write(out, at);
                    }
                }
                pos += n;
                if (pos > t.written) {
                    t.written = pos;
                    download.progressed(pos);
                }
            }
        } catch (IOException e) {
            if (watch.stalled) {
                throw new IOException("upstream sent nothing for " + stallTimeout.toSeconds() + " s", e);
            }
            throw e;
        } finally {
            watches.remove(watch);
        }
    }

    private void backoff(BlobDownload download, int attempt, Exception cause) {
        long millis = Math.min(250L << Math.min(attempt - 1, 5), 8_000);
        LOG.info(() -> "retrying download of " + download.digest + " in " + millis + " ms after: " + cause.getMessage());
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw UpstreamException.unreachable("interrupted", e);
        }
    }

    /** Closes upstream bodies that stopped delivering; the blocked read then fails and is retried. */
    private void abortStalled() {
        long now = System.nanoTime();
        for (Watch w : watches) {
            if (now - w.lastProgress > stallTimeout.toNanos()) {
                w.stalled = true;
                w.response.close();
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // removed at next start
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        workers.shutdownNow();
    }

    private static final class Watch {
        final UpstreamResponse response;
        volatile long lastProgress = System.nanoTime();
        volatile boolean stalled;

        Watch(UpstreamResponse response) {
            this.response = response;
        }

        void progress() {
            lastProgress = System.nanoTime();
        }
    }
}
