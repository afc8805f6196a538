package io.regcache.cache;

import io.regcache.oci.Access;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.regcache.oci.Digest;
import io.regcache.oci.Repository;
import io.regcache.oci.RepositoryName;
import io.regcache.upstream.UpstreamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobDownloadTest {
    private static final Duration LIMIT = Duration.ofSeconds(5);
    private static final Digest DIGEST = Digest.sha256("0123456789".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path dir;

    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "reader");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stopReaders() {
        readers.shutdownNow();
    }

    private BlobDownload download() {
        return new BlobDownload(DIGEST, dir.resolve("blob.part"), new Repository("docker.io", new RepositoryName("library/test")), Access.ANONYMOUS);
    }

    private <T> CompletableFuture<T> inReader(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, readers);
    }

    /** The future is still waiting: the reader thread is blocked, not done. */
    private static void assertBlocked(CompletableFuture<?> f) {
        assertThrows(TimeoutException.class, () -> f.get(100, TimeUnit.MILLISECONDS));
    }

    private static <T> T result(CompletableFuture<T> f) throws Exception {
        return f.get(2, TimeUnit.SECONDS);
    }

    @Test
    void awaitStartBlocksUntilStartedAndReturnsTheSize() {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlobDownload d = download();
            CompletableFuture<Long> start = inReader(d::awaitStart);
            assertBlocked(start);
            d.started(10);
            assertEquals(10L, result(start));
            assertEquals(10L, d.awaitStart(), "and at once afterwards");
        });
    }

    @Test
    void awaitStartReturnsMinusOneForUnknownSize() {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlobDownload d = download();
            d.started(-1);
            assertEquals(-1L, d.awaitStart());
        });
    }

    @Test
    void knownSizeLastByteIsHeldBackUntilCompleted() {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlobDownload d = download();
            d.started(10);
            d.progressed(4);
            assertEquals(4L, d.awaitReadable(0), "all of a partial download may be read");
            assertEquals(4L, d.awaitReadable(3));

            CompletableFuture<Long> waiting = inReader(() -> d.awaitReadable(4));
            assertBlocked(waiting);
            d.progressed(10);
            assertEquals(9L, result(waiting), "the last byte stays back until verified");
            assertEquals(9L, d.awaitReadable(0));

            CompletableFuture<Long> last = inReader(() -> d.awaitReadable(9));
            assertBlocked(last);
            d.completed(dir.resolve("committed"), 10);
            assertEquals(10L, result(last));
            assertEquals(10L, d.awaitReadable(0));
        });
    }

    @Test
    void unknownSizeReadersGetAllButOneWrittenByte() {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlobDownload d = download();
            d.started(-1);
            CompletableFuture<Long> first = inReader(() -> d.awaitReadable(0));
            d.progressed(1);
            assertBlocked(first); // one byte written, none may be read
            d.progressed(5);
            assertEquals(4L, result(first));

            CompletableFuture<Long> next = inReader(() -> d.awaitReadable(4));
            assertBlocked(next);
            d.progressed(8);
            assertEquals(7L, result(next));

            CompletableFuture<Long> tail = inReader(() -> d.awaitReadable(7));
            assertBlocked(tail);
            d.completed(dir.resolve("committed"), 8);
            assertEquals(8L, result(tail));
        });
    }

    @Test
    void readsAfterCompletionEndWithMinusOne() {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlobDownload d = download();
            d.started(10);
            d.progressed(10);
            d.completed(dir.resolve("committed"), 10);
            assertEquals(10L, d.awaitReadable(0));
            assertEquals(10L, d.awaitReadable(9));
            assertEquals(-1L, d.awaitReadable(10));
            assertEquals(-1L, d.awaitReadable(11));
        });
    }

    @Test
    void emptyBlobIsReadableOnlyAsEndOfData() {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlobDownload d = download();
            d.started(0);
            CompletableFuture<Long> r = inReader(() -> d.awaitReadable(0));
            assertBlocked(r);
            d.completed(dir.resolve("committed"), 0);
            assertEquals(-1L, result(r));
        });
    }

    @Test
    void failureReachesWaitingReaders() {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlobDownload d = download();
            CompletableFuture<Long> starting = inReader(d::awaitStart);
            assertBlocked(starting);
            d.started(10);
            assertEquals(10L, result(starting));
            d.progressed(10);
            CompletableFuture<Long> reading = inReader(() -> d.awaitReadable(9));
            assertBlocked(reading);

            UpstreamException cause = UpstreamException.badResponse("digest mismatch");
            d.failed(cause);

            ExecutionException e = assertThrows(ExecutionException.class, () -> result(reading));
            assertSame(cause, e.getCause());
            assertSame(cause, assertThrows(UpstreamException.class, () -> d.awaitReadable(0)),
                    "a failed download gives nothing more, not even what was readable before");
            assertSame(cause, assertThrows(UpstreamException.class, d::awaitStart));
        });
    }

    @Test
    void failureBeforeStartReachesAwaitStart() {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlobDownload d = download();
            CompletableFuture<Long> starting = inReader(d::awaitStart);
            assertBlocked(starting);
            UpstreamException cause = UpstreamException.unreachable("upstream gone", new IOException("refused"));
            d.failed(cause);
            assertSame(cause, assertThrows(ExecutionException.class, () -> result(starting)).getCause());
        });
    }

    private static String readAll(FileChannel ch) throws IOException {
        try (ch) {
            ByteBuffer buf = ByteBuffer.allocate(64);
            while (ch.read(buf) > 0) {
                // fill
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void openReadsTheTempFileThenTheCommittedFile() throws IOException {
        BlobDownload d = download();
        Files.writeString(d.tempFile, "01234");
        d.started(10);
        assertEquals("01234", readAll(d.open()));

        Files.writeString(d.tempFile, "0123456789");
        Path committed = dir.resolve("committed");
        Files.move(d.tempFile, committed);
        d.completed(committed, 10);
        assertFalse(Files.exists(d.tempFile));
        assertEquals("0123456789", readAll(d.open()));
    }

    @Test
    void openAfterFailureWithoutTempFileThrowsTheFailure() {
        BlobDownload d = download();
        d.started(10);
        UpstreamException cause = UpstreamException.badResponse("aborted");
        d.failed(cause);
        assertSame(cause, assertThrows(UpstreamException.class, d::open));
    }

    @Test
    void verificationReleasesTheLastByteBeforeTheCommitLands() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlobDownload d = download();
            Files.writeString(d.tempFile, "0123456789");
            d.started(10);
            d.progressed(10);
            CompletableFuture<Long> waiting = inReader(() -> d.awaitReadable(9));
            assertBlocked(waiting);
            d.verified(10);
            assertEquals(10L, result(waiting), "the verified last byte was not released");
            assertEquals(-1L, d.awaitReadable(10));
            assertEquals("0123456789", readAll(d.open()), "the temp file is readable until the rename");

            // renamed, commit not yet reported: open() waits for it instead of failing
            Path committed = dir.resolve("committed-verified");
            Files.move(d.tempFile, committed);
            CompletableFuture<String> opening = inReader(() -> {
                try {
                    return readAll(d.open());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertBlocked(opening);
            d.completed(committed, 10);
            assertEquals("0123456789", result(opening));
        });
    }
}
