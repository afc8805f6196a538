package io.regcache.it;

import io.regcache.it.support.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A mirror's storage directory as the tests look into it: the committed blobs under
 * {@code blobs/sha256/<first two hex digits>/<hex>}, the unfinished downloads in {@code tmp/*.part}.
 */
record MirrorStorage(Path root) {

    /** Where the mirror keeps the blob {@code digest} once it is complete and verified. */
    Path blobFile(String digest) {
        String hex = Digests.hex(digest);
        return root.resolve("blobs").resolve("sha256").resolve(hex.substring(0, 2)).resolve(hex);
    }

    /** {@link #blobFile(String)} of the blob with this content. */
    Path blobFile(byte[] content) {
        return blobFile(Digests.sha256(content));
    }

    /** The files under {@code blobs/}, sorted; none before the mirror has created the directory. */
    List<Path> blobFiles() {
        Path blobs = root.resolve("blobs");
        if (!Files.isDirectory(blobs)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(blobs)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The unfinished downloads, {@code tmp/*.part}, sorted. */
    List<Path> partFiles() {
        try (Stream<Path> files = Files.list(root.resolve("tmp"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".part")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
