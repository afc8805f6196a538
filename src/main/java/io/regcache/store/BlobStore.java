package io.regcache.store;

import io.regcache.oci.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Content-addressed files: {@code blobs/<alg>/<2 hex>/<hex>}. Content is written under {@code tmp/}
 * on the same file system and made visible by an atomic rename only after it was verified, so a
 * file under {@code blobs/} is always complete and correct; a crash leaves at most temp files,
 * which {@link #removeTempFiles()} clears at start.
 */
public final class BlobStore {
    private final Path blobs;
    private final Path tmp;
    private final AtomicLong bytes = new AtomicLong();

    public BlobStore(Path root) {
        this.blobs = root.resolve("blobs");
        this.tmp = root.resolve("tmp");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create storage under " + root, e);
        }
    }

    public Path pathOf(Digest digest) {
        return blobs.resolve(digest.algorithm()).resolve(digest.hex().substring(0, 2)).resolve(digest.hex());
    }

    /** The committed blob's size and last access, read in one call; empty when the store does not have it. */
    public Optional<Entry> stat(Digest digest) {
        try {
            BasicFileAttributes a = Files.readAttributes(pathOf(digest), BasicFileAttributes.class);
            return a.isRegularFile() ? Optional.of(new Entry(digest, a.size(), a.lastModifiedTime().toMillis())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public boolean contains(Digest digest) {
        return Files.isRegularFile(pathOf(digest));
    }

    /** A new, empty temp file for a download in progress. */
    public Path newTempFile() throws IOException {
        return Files.createFile(tmp.resolve(UUID.randomUUID() + ".part"));
    }

    /**
     * Makes a fully written and verified temp file visible under its digest. The data is forced to
     * disk first so that a rename never points at content the OS has not written yet.
     */
    public Path commit(Path tempFile, Digest digest) throws IOException {
        try (FileChannel ch = FileChannel.open(tempFile, StandardOpenOption.WRITE)) {
            ch.force(false);
        }
        Path target = pathOf(digest);
        Files.createDirectories(target.getParent());
        try {
            long size = Files.size(tempFile);
            Files.move(tempFile, target, StandardCopyOption.ATOMIC_MOVE);
            bytes.addAndGet(size);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(tempFile); // same digest, same bytes: someone else committed first
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("storage must support atomic rename between tmp/ and blobs/", e);
        }
        return target;
    }

    /** Bytes held under blobs/: counted from a scan at start, then kept up to date. */
    public long size() {
        return bytes.get();
    }

    /** Every stored blob, its sizes now the byte count (at start, and each janitor run corrects any drift). */
    public List<Entry> recount() throws IOException {
        List<Entry> all = all();
        bytes.set(all.stream().mapToLong(Entry::size).sum());
        return all;
    }

    /** Stores small verified content (manifests) in one step. */
    public Path put(Digest digest, byte[] bytes) throws IOException {
        if (!digest.matches(bytes)) {
            throw new IllegalArgumentException("content does not match " + digest);
        }
        if (contains(digest)) {
            return pathOf(digest);
        }
        Path temp = newTempFile();
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return commit(temp, digest);
    }

    /**
     * Records a use of a blob just found by {@link #stat}: its file's modification time is its last
     * access (kept on disk, across restarts).
     */
    public void touch(Entry stored, Duration granularity) {
        AccessTimes.touch(pathOf(stored.digest()), granularity, stored.lastAccess());
    }

    public byte[] read(Digest digest) throws IOException {
        return Files.readAllBytes(pathOf(digest));
    }

    /** A stored blob: size and last access. */
    public record Entry(Digest digest, long size, long lastAccess) {
    }

    /** Every stored blob. */
    public List<Entry> all() throws IOException {
        List<Entry> out = new ArrayList<>();
        Files.walkFileTree(blobs, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                Path alg = file.getParent().getParent();
                try {
                    Digest d = Digest.parse(alg.getFileName() + ":" + file.getFileName());
                    out.add(new Entry(d, attrs.size(), attrs.lastModifiedTime().toMillis()));
                } catch (RuntimeException e) {
                    // not a blob of ours
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    /** When the blob was last used (or stored), or -1 when it is gone. */
    public long lastAccess(Digest digest) throws IOException {
        try {
            return Files.getLastModifiedTime(pathOf(digest)).toMillis();
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    /**
     * Removes a blob; readers that already opened it finish reading (POSIX semantics). Returns the
     * bytes freed, or -1 when it was gone already.
     */
    public long delete(Digest digest) throws IOException {
        Path p = pathOf(digest);
        long size;
        try {
            size = Files.readAttributes(p, BasicFileAttributes.class).size();
        } catch (NoSuchFileException e) {
            return -1;
        }
        if (!Files.deleteIfExists(p)) {
            return -1;
        }
        bytes.addAndGet(-size);
        return size;
    }

    /** Deletes leftovers of downloads that were in progress when the process stopped. */
    public int removeTempFiles() throws IOException {
        int removed = 0;
        try (Stream<Path> files = Files.list(tmp)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
                removed++;
            }
        }
        return removed;
    }
}
