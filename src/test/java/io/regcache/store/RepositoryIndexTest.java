package io.regcache.store;

import io.regcache.oci.Access;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.oci.Digest;
import io.regcache.oci.MediaTypes;
import io.regcache.oci.Repository;
import io.regcache.oci.RepositoryName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryIndexTest {
    @TempDir
    Path root;

    private static final Repository ALPINE = new Repository("docker.io", new RepositoryName("library/alpine"));
    private static final Repository LOCAL = new Repository("127.0.0.1:5000", new RepositoryName("team/app"));
    private static final Digest D1 = Digest.sha256("one".getBytes(StandardCharsets.UTF_8));
    private static final Digest D2 = Digest.sha256("two".getBytes(StandardCharsets.UTF_8));

    private static TagRecord tag(Digest d, String type) {
        return new TagRecord(d.toString(), type, 123, 1_700_000_000_000L, Access.ANONYMOUS);
    }

    @Test
    void manifestRoundTrip() {
        RepositoryIndex index = new RepositoryIndex(root);
        assertEquals(Optional.empty(), index.manifest(ALPINE, D1));
        ManifestRecord rec = new ManifestRecord(D1.toString(), MediaTypes.OCI_INDEX, 456, 42L, Access.ANONYMOUS);
        index.putManifest(ALPINE, rec);
        assertEquals(Optional.of(rec), index.manifest(ALPINE, D1));
        assertEquals(Optional.empty(), index.manifest(LOCAL, D1), "manifests are per repository");
        assertEquals(Optional.empty(), index.manifest(ALPINE, D2));
    }

    @Test
    void manifestWithInvalidDigestIsRejected() {
        RepositoryIndex index = new RepositoryIndex(root);
        assertThrows(RuntimeException.class,
                () -> index.putManifest(ALPINE, new ManifestRecord("sha256:../../x", MediaTypes.OCI_INDEX, 1, 1, Access.ANONYMOUS)));
    }

    @Test
    void tagsKeepOneRecordPerAcceptKey() {
        RepositoryIndex index = new RepositoryIndex(root);
        assertTrue(index.tag(ALPINE, "latest").isEmpty());
        index.putTag(ALPINE, "latest", "f", tag(D1, MediaTypes.OCI_INDEX));
        index.putTag(ALPINE, "latest", "1", tag(D2, MediaTypes.DOCKER_MANIFEST));
        assertEquals(Map.of("f", tag(D1, MediaTypes.OCI_INDEX), "1", tag(D2, MediaTypes.DOCKER_MANIFEST)),
                index.tag(ALPINE, "latest"));
        index.putTag(ALPINE, "latest", "f", tag(D2, MediaTypes.OCI_INDEX));
        assertEquals(tag(D2, MediaTypes.OCI_INDEX), index.tag(ALPINE, "latest").get("f"), "replaced");
        assertEquals(2, index.tag(ALPINE, "latest").size());
    }

    @Test
    void removeTagPerAcceptKeyDeletesTheFileWhenEmpty() {
        RepositoryIndex index = new RepositoryIndex(root);
        index.putTag(ALPINE, "3.20", "f", tag(D1, MediaTypes.OCI_INDEX));
        index.putTag(ALPINE, "3.20", "1", tag(D2, MediaTypes.DOCKER_MANIFEST));
        Path file = root.resolve("repositories/docker.io/library/alpine/_tags/3.20.json");
        assertTrue(Files.isRegularFile(file));

        index.removeTag(ALPINE, "3.20", "f");
        assertEquals(Map.of("1", tag(D2, MediaTypes.DOCKER_MANIFEST)), index.tag(ALPINE, "3.20"));
        assertTrue(Files.isRegularFile(file));
        assertEquals(List.of("3.20"), index.tags(ALPINE));

        index.removeTag(ALPINE, "3.20", "1");
        assertFalse(Files.exists(file), "the last record gone, the file goes");
        assertTrue(index.tag(ALPINE, "3.20").isEmpty());
        assertEquals(List.of(), index.tags(ALPINE));
    }

    @Test
    void removeTagThatIsNotThereIsHarmless() {
        RepositoryIndex index = new RepositoryIndex(root);
        index.removeTag(ALPINE, "ghost", "f");
        index.putTag(ALPINE, "v1", "f", tag(D1, MediaTypes.OCI_INDEX));
        index.removeTag(ALPINE, "v1", "other");
        assertEquals(1, index.tag(ALPINE, "v1").size());
    }

    @Test
    void tagsAreSorted() {
        RepositoryIndex index = new RepositoryIndex(root);
        assertEquals(List.of(), index.tags(ALPINE), "unknown repository has no tags");
        for (String t : List.of("latest", "3.20", "edge", "3.19", "Z", "_x")) {
            index.putTag(ALPINE, t, "f", tag(D1, MediaTypes.OCI_INDEX));
        }
        assertEquals(List.of("3.19", "3.20", "Z", "_x", "edge", "latest"), index.tags(ALPINE));
        assertEquals(List.of(), index.tags(LOCAL));
    }

    @Test
    void blobLinks() {
        RepositoryIndex index = new RepositoryIndex(root);
        assertTrue(index.blobAccess(ALPINE, D1).isEmpty());
        index.linkBlob(ALPINE, D1, 99, Access.ACCOUNT);
        assertEquals(Optional.of(Access.ACCOUNT), index.blobAccess(ALPINE, D1));
        index.linkBlob(ALPINE, D1, 99, Access.ANONYMOUS);
        assertEquals(Optional.of(Access.ANONYMOUS), index.blobAccess(ALPINE, D1), "confirmed public: widened");
        index.linkBlob(ALPINE, D1, 99, Access.ACCOUNT);
        assertEquals(Optional.of(Access.ANONYMOUS), index.blobAccess(ALPINE, D1), "never narrowed again");
        assertTrue(index.blobAccess(ALPINE, D2).isEmpty());
        assertTrue(index.blobAccess(LOCAL, D1).isEmpty(), "blob links are per repository");
    }

    @Test
    void registryWithPortIsStoredWithoutColon() {
        RepositoryIndex index = new RepositoryIndex(root);
        index.putTag(LOCAL, "v1", "f", tag(D1, MediaTypes.OCI_MANIFEST));
        assertTrue(Files.isRegularFile(root.resolve("repositories/127.0.0.1_5000/team/app/_tags/v1.json")));
        assertEquals(List.of("v1"), index.tags(LOCAL));
    }

    @Test
    void stateSurvivesANewInstance() {
        RepositoryIndex index = new RepositoryIndex(root);
        ManifestRecord m = new ManifestRecord(D1.toString(), MediaTypes.OCI_MANIFEST, 10, 5L, Access.ACCOUNT);
        index.putManifest(ALPINE, m);
        index.putTag(ALPINE, "latest", "f", tag(D1, MediaTypes.OCI_MANIFEST));
        index.linkBlob(ALPINE, D2, 7, Access.ANONYMOUS);

        RepositoryIndex again = new RepositoryIndex(root);
        assertEquals(Optional.of(m), again.manifest(ALPINE, D1));
        assertEquals(Map.of("f", tag(D1, MediaTypes.OCI_MANIFEST)), again.tag(ALPINE, "latest"));
        assertEquals(List.of("latest"), again.tags(ALPINE));
        assertTrue(again.blobAccess(ALPINE, D2).isPresent());
    }

    @Test
    void noTempFilesLeftBehind() throws Exception {
        RepositoryIndex index = new RepositoryIndex(root);
        index.putTag(ALPINE, "latest", "f", tag(D1, MediaTypes.OCI_MANIFEST));
        index.putManifest(ALPINE, new ManifestRecord(D1.toString(), MediaTypes.OCI_MANIFEST, 10, 5L, Access.ACCOUNT));
        try (var s = Files.list(root.resolve("tmp"))) {
            assertEquals(0, s.count());
        }
    }
}
