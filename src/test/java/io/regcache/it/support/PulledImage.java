package io.regcache.it.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/** Checks that a {@code skopeo copy ... dir:} copy ({@link Skopeo#copyToDir}) holds a seeded image. */
public final class PulledImage {
    private PulledImage() {
    }

    /** {@code manifest.json} is the image's manifest byte for byte, and the blob files are exactly its blobs. */
    public static void assertManifestAndBlobs(Path dir, SeededImage image) {
        try {
            assertArrayEquals(image.manifestBytes(), Files.readAllBytes(dir.resolve("manifest.json")),
                    "manifest of " + image + " pulled into " + dir + " differs from the upstream's");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(image.blobs().stream().map(BlobRef::digest).collect(Collectors.toSet()), Skopeo.blobDigestsInDir(dir),
                "blobs of " + image + " pulled into " + dir);
    }

    /**
     * {@link #assertManifestAndBlobs}, and for an index (copied with {@code all}) the instance
     * manifests too: as many as it has children, each child's byte for byte.
     */
    public static void assertManifestBlobsAndChildren(Path dir, SeededImage image) {
        assertManifestAndBlobs(dir, image);
        if (image.isIndex()) {
            Map<String, byte[]> children = Skopeo.instanceManifestsInDir(dir);
            assertEquals(image.children().size(), children.size(), "child manifests of " + image + " in " + dir);
            for (SeededImage child : image.children()) {
                assertArrayEquals(child.manifestBytes(), children.get(child.digest()), "child " + child.digest() + " in " + dir);
            }
        }
    }
}
