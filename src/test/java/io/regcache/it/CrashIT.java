package io.regcache.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.regcache.it.support.Closer;
import io.regcache.it.support.Digests;
import io.regcache.it.support.FakeImage;
import io.regcache.it.support.FaultyUpstream;
import io.regcache.it.support.ForkedMirror;
import io.regcache.it.support.FreePort;
import io.regcache.it.support.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code kill -9} of the mirror in the middle of a blob download, then a restart on the same
 * storage: the crash leaves only a temp file, which the next start removes; nothing partial is
 * ever served, neither while the mirror is down nor after it is back; and the blob is fetched
 * again from the upstream, complete and verified, then served from disk.
 *
 * <p>The mirror is the real {@code jetty-base/} on jetty-home in a child JVM ({@link ForkedMirror}),
 * which is what SIGKILL needs; the upstream is a {@link FaultyUpstream} in this JVM that sends the
 * first megabyte of the blob and then stalls, so the download is reliably half-way when the
 * mirror dies. Needs only Java and the build's {@code target/} (WAR, jetty-home).
 */
@Standalone
class CrashIT {
    private static final int BLOB_SIZE = 8 * 1024 * 1024;
    /** Bytes the upstream sends before it stalls, the first time. */
    private static final int STALL_AT = 1_000_000;
    private static final String REPOSITORY = "crash/blob";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final Closer resources = new Closer();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Stops the mirror and the upstream and deletes the temp dir, whatever the test did. */
    @AfterEach
    void cleanUp() throws Exception {
        resources.close();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aMirrorKilledMidDownloadCleansUpAtRestartAndFetchesTheBlobAgain() throws Exception {
        ForkedMirror.requireBuild();
        byte[] body = FakeImage.random(BLOB_SIZE, 20240917);
        String digest = Digests.sha256(body);
        String path = FaultyUpstream.blobPath(REPOSITORY, body);

        Path dir = resources.tempDir("crash");
        FaultyUpstream upstream = resources.add(FaultyUpstream.start());
        CountDownLatch gate = new CountDownLatch(1);
        resources.add(gate::countDown); // releases the stalled upstream handler, before the upstream stops
        upstream.on(path, headServedGetStalled(body, gate));

        MirrorStorage storage = new MirrorStorage(dir.resolve("storage"));
        Path blobFile = storage.blobFile(digest);
        Path config = MirrorYaml.storage(storage.root()).upstream("docker.io", upstream.url(), true)
                .writeTo(dir.resolve("mirror.yml"));
        int port = FreePort.find();

        // ---- run 1: a client pulls the blob; the upstream stalls after STALL_AT bytes
        ForkedMirror run1 = resources.add(ForkedMirror.start(dir, config, port, "mirror-run1"));
        assertFalse(run1.log().contains("unfinished download"), "nothing to clean at the first start:\n" + run1.tail(20));
        BackgroundPull pull = BackgroundPull.start(http, run1.url(), path); // ends when the mirror dies

        await("a .part file of >= " + STALL_AT + " bytes in tmp/", () -> storage.partFiles().stream()
                .anyMatch(p -> size(p) >= STALL_AT), run1);
        assertEquals(1, storage.partFiles().size(), "one download in flight: " + storage.partFiles());
        Path part = storage.partFiles().get(0);
        await("the client receiving the first bytes of the blob", () -> pull.received() > 0, run1);
        assertFalse(pull.result().isDone(), "the client's transfer ended before the crash: " + pull.result());

        // ---- kill -9 the Jetty JVM in the middle of the download
        ProcessHandle jvm = run1.jvm(); // java running start.jar, with no child process: or it throws
        run1.kill();
        assertFalse(jvm.isAlive(), "the mirror's JVM survived SIGKILL");
        assertEquals(128 + 9, run1.exitValue(), "the JVM did not die of SIGKILL");
        assertThrows(ConnectException.class, () -> get(run1.url(), path, "while down"),
                "something still answers on the mirror's port after the kill");

        Received cut = pull.result().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, cut.status(), "the client had started receiving the blob: " + cut);
        assertTrue(cut.error() != null || cut.bytes() < cut.contentLength(),
                "the client's transfer completed although the mirror died mid-download: " + cut);
        assertTrue(cut.bytes() <= STALL_AT, "the client got more than the upstream ever sent: " + cut);
        assertEquals(BLOB_SIZE, cut.contentLength(), "announced length: " + cut);

        // the crash state: only the temp file, nothing under blobs/
        assertFalse(Files.exists(blobFile), "the unfinished blob was committed: " + blobFile);
        assertEquals(List.of(), storage.blobFiles(), "blobs/ after the crash");
        assertEquals(List.of(part), storage.partFiles(), "tmp/ after the crash");
        long partSize = size(part);
        assertTrue(partSize >= STALL_AT && partSize < BLOB_SIZE, "partial file of " + partSize + " bytes");
        assertArrayEquals(Arrays.copyOf(body, (int) partSize), Files.readAllBytes(part),
                "the partial file is not a prefix of the blob");

        // ---- run 2 on the same storage and port; the upstream now serves the blob correctly
        upstream.on(path, FaultyUpstream.blob(body));
        gate.countDown(); // the stalled handler of run 1 ends (its connection is gone)
        long getsBefore = upstream.count("GET", path);
        assertEquals(1, getsBefore, "upstream GETs before the restart: " + upstream.requests());
        assertFalse(Files.exists(blobFile), "a file appeared under blobs/ while the mirror was down");

        ForkedMirror run2 = resources.add(ForkedMirror.start(dir, config, port, "mirror-run2"));
        assertFalse(Files.exists(part), "the partial download survived the restart: " + part);
        assertEquals(List.of(), storage.partFiles(), "tmp/ after the restart");
        await("\"removed 1 unfinished download\" in the log of run 2",
                () -> run2.log().contains("removed 1 unfinished download"), run2);

        Received first = get(run2.url(), path, "first GET after the restart");
        // never a short 200: either the whole, verified blob or an error
        if (first.status() == 200) {
            assertEquals(BLOB_SIZE, first.contentLength(), "Content-Length of a 200 after the restart: " + first);
            assertNull(first.error(), "a 200 after the restart was cut short: " + first);
            assertEquals(BLOB_SIZE, first.bytes(), "a short 200 after the restart: " + first);
            assertEquals(digest, first.digest(), "wrong bytes in a 200 after the restart: " + first);
        }
        assertEquals(200, first.status(), "first GET after the restart: " + first + "\n" + run2.tail(30));
        assertEquals("MISS", first.xCache(), "first GET after the restart: " + first);
        List<FaultyUpstream.Seen> refetch = upstream.requests().stream()
                .filter(s -> s.method().equals("GET") && s.path().equals(path)).skip(getsBefore).toList();
        assertEquals(1, refetch.size(), "the mirror must fetch the blob once more: " + upstream.requests());
        assertNull(refetch.get(0).range(), "nothing survives a crash to resume from: " + refetch);
        // clients get the verified last byte before the file is made durable and renamed into place
        await("the re-fetched blob committed at " + blobFile, () -> Files.isRegularFile(blobFile), run2);
        assertEquals(digest, Digests.sha256(blobFile), "committed blob file");

        int upstreamRequests = upstream.requests().size();
        Received second = get(run2.url(), path, "second GET after the restart");
        assertEquals(200, second.status(), second.toString());
        assertEquals("HIT", second.xCache(), second.toString());
        assertEquals(BLOB_SIZE, second.contentLength(), second.toString());
        assertEquals(BLOB_SIZE, second.bytes(), second.toString());
        assertEquals(digest, second.digest(), second.toString());
        assertEquals(upstreamRequests, upstream.requests().size(),
                "a cache hit went upstream: " + upstream.requests().subList(upstreamRequests, upstream.requests().size()));
    }

    /**
     * HEAD answered correctly (the mirror checks that the repository has the blob), GET stalled
     * after {@link #STALL_AT} bytes until {@code gate} opens.
     */
    private static FaultyUpstream.Behaviour headServedGetStalled(byte[] body, CountDownLatch gate) {
        FaultyUpstream.Behaviour head = FaultyUpstream.blob(body);
        FaultyUpstream.Behaviour stalled = FaultyUpstream.stallAfter(body, STALL_AT, gate);
        return (exchange, attempt) -> (exchange.getRequestMethod().equals("HEAD") ? head : stalled)
                .handle(exchange, attempt);
    }

    // ---- what a client got

    /**
     * One GET as a client saw it: status, announced length (-1 if none), {@code X-Cache}, the
     * number and digest of the bytes received, and the error that ended the transfer, if any.
     */
    record Received(int status, long contentLength, String xCache, long bytes, String digest, Throwable error) {
        @Override
        public String toString() {
            return "status " + status + ", Content-Length " + contentLength + ", X-Cache " + xCache + ", " + bytes
                    + " bytes received" + (error == null ? "" : ", ended by " + error);
        }
    }

    /** A GET read to the end (or to the error that ends it); {@code ConnectException} when nothing listens. */
    private Received get(URL mirror, String path, String what) throws ConnectException {
        try {
            return read(http, mirror, path, new AtomicLong(), new AtomicInteger());
        } catch (ConnectException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": GET " + path + " got no response", e);
        }
    }

    private static Received read(HttpClient http, URL mirror, String path, AtomicLong received, AtomicInteger status)
            throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(mirror + path)).timeout(PATIENCE).GET().build();
        HttpResponse<InputStream> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        status.set(r.statusCode());
        long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        String xCache = r.headers().firstValue("X-Cache").orElse(null);
        MessageDigest sha256 = Digests.newSha256();
        Throwable error = null;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                sha256.update(buf, 0, n);
                received.addAndGet(n);
            }
        } catch (IOException e) {
            error = e;
        }
        return new Received(r.statusCode(), length, xCache, received.get(), Digests.format(sha256.digest()), error);
    }

    /**
     * A client's GET running on its own (daemon) thread, so that the test can kill the mirror under
     * it; the transfer ends at the latest when the cleanup stops the mirror.
     */
    private static final class BackgroundPull {
        private final AtomicLong received = new AtomicLong();
        private final AtomicInteger status = new AtomicInteger(-1);
        private final CompletableFuture<Received> result;

        private BackgroundPull(HttpClient http, URL mirror, String path) {
            this.result = CompletableFuture.supplyAsync(() -> {
                try {
                    return read(http, mirror, path, received, status);
                } catch (IOException e) {
                    return new Received(status.get(), -1, null, received.get(), null, e);
                }
            }, runnable -> {
                Thread t = new Thread(runnable, "crash-it-client");
                t.setDaemon(true);
                t.start();
            });
        }

        static BackgroundPull start(HttpClient http, URL mirror, String path) {
            return new BackgroundPull(http, mirror, path);
        }

        long received() {
            return received.get();
        }

        CompletableFuture<Received> result() {
            return result;
        }
    }

    // ---- files and waiting

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1; // removed meanwhile
        }
    }

    /** Polls {@code condition} for up to {@link #PATIENCE}; the failure names it and shows the mirror's log. */
    private static void await(String what, BooleanSupplier condition, ForkedMirror mirror) {
        Poll.until(() -> what + "; log tail:\n" + mirror.tail(40), PATIENCE, () -> {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (!mirror.isAlive()) {
                fail("the mirror died while waiting for " + what + "; log tail:\n" + mirror.tail(40));
            }
            return false;
        });
    }
}
