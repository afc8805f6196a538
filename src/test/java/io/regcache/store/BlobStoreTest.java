package io.regcache.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.oci.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {
    @TempDir
    Path root;

    private static final byte[] CONTENT = "hello blob".getBytes(StandardCharsets.UTF_8);
    private static final Digest DIGEST = Digest.sha256(CONTENT);

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void createsLayout() {
        new BlobStore(root);
        assertTrue(Files.isDirectory(root.resolve("blobs")));
        assertTrue(Files.isDirectory(root.resolve("tmp")));
    }

    @Test
    void pathIsContentAddressed() {
        BlobStore store = new BlobStore(root);
        String hex = DIGEST.hex();
        assertEquals(root.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex), store.pathOf(DIGEST));
        Digest sha512 = Digest.of("sha512", CONTENT);
        assertEquals(root.resolve("blobs/sha512").resolve(sha512.hex().substring(0, 2)).resolve(sha512.hex()),
                store.pathOf(sha512));
    }

    @Test
    void putStoresVerifiedContent() throws IOException {
        BlobStore store = new BlobStore(root);
        assertFalse(store.contains(DIGEST));
        assertEquals(Optional.empty(), store.stat(DIGEST));

        Path p = store.put(DIGEST, CONTENT);

        assertEquals(store.pathOf(DIGEST), p);
        assertTrue(store.contains(DIGEST));
        assertEquals(CONTENT.length, store.stat(DIGEST).orElseThrow().size());
        assertArrayEquals(CONTENT, store.read(DIGEST));
        assertArrayEquals(CONTENT, Files.readAllBytes(p));
        assertEquals(0, count(root.resolve("tmp")), "no temp file left behind");
    }

    @Test
    void putRejectsContentThatDoesNotMatch() throws IOException {
        BlobStore store = new BlobStore(root);
        assertThrows(IllegalArgumentException.class, () -> store.put(DIGEST, "tampered".getBytes(StandardCharsets.UTF_8)));
        assertFalse(store.contains(DIGEST));
        assertFalse(Files.exists(store.pathOf(DIGEST)));
        assertEquals(0, count(root.resolve("tmp")));
    }

    @Test
    void putTwiceKeepsOneFile() throws IOException {
        BlobStore store = new BlobStore(root);
        Path first = store.put(DIGEST, CONTENT);
        Path second = store.put(DIGEST, CONTENT);
        assertEquals(first, second);
        assertArrayEquals(CONTENT, store.read(DIGEST));
        assertEquals(0, count(root.resolve("tmp")));
    }

    @Test
    void commitMovesTheTempFileIntoPlace() throws IOException {
        BlobStore store = new BlobStore(root);
        Path temp = store.newTempFile();
        assertEquals(root.resolve("tmp"), temp.getParent());
        Files.write(temp, CONTENT);
        assertFalse(store.contains(DIGEST), "nothing is visible before commit");

        Path committed = store.commit(temp, DIGEST);

        assertEquals(store.pathOf(DIGEST), committed);
        assertFalse(Files.exists(temp), "the temp file was moved, not copied");
        assertArrayEquals(CONTENT, Files.readAllBytes(committed));
        assertTrue(store.contains(DIGEST));
    }

    @Test
    void secondCommitOfTheSameDigestLeavesNoTempFile() throws IOException {
        BlobStore store = new BlobStore(root);
        store.put(DIGEST, CONTENT);
        Path temp = store.newTempFile();
        Files.write(temp, CONTENT);
        Path committed = store.commit(temp, DIGEST);
        assertEquals(store.pathOf(DIGEST), committed);
        assertArrayEquals(CONTENT, store.read(DIGEST));
        assertEquals(0, count(root.resolve("tmp")));
    }

    @Test
    void newTempFilesAreDistinct() throws IOException {
        BlobStore store = new BlobStore(root);
        assertFalse(store.newTempFile().equals(store.newTempFile()));
        assertEquals(2, count(root.resolve("tmp")));
    }

    @Test
    void removeTempFilesClearsTmpOnly() throws IOException {
        BlobStore store = new BlobStore(root);
        store.put(DIGEST, CONTENT);
        Files.write(store.newTempFile(), new byte[] {1, 2, 3});
        store.newTempFile();
        Files.writeString(root.resolve("tmp").resolve("stray.json"), "{}");

        assertEquals(3, store.removeTempFiles());

        assertEquals(0, count(root.resolve("tmp")));
        assertTrue(store.contains(DIGEST), "committed blobs survive");
        assertEquals(0, store.removeTempFiles());
    }

    @Test
    void stateIsOnDisk() throws IOException {
        new BlobStore(root).put(DIGEST, CONTENT);
        BlobStore again = new BlobStore(root);
        assertTrue(again.contains(DIGEST));
        assertArrayEquals(CONTENT, again.read(DIGEST));
    }
}
