package io.regcache.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regcache.oci.Access;
import io.regcache.oci.Digest;
import io.regcache.oci.Repository;
import io.regcache.oci.RepositoryName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * What each repository has: its manifests (digest → media type), its tags (tag → digest per
 * accepted media types) and the blobs it was seen to reference. Records are small JSON files under
 * {@code repositories/<registry>/<name>/}, replaced atomically; the {@code _} prefixed directories
 * cannot collide with name components, which the grammar makes start with a letter or digit.
 */
public final class RepositoryIndex {
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final JavaType MANIFEST = JSON.constructType(ManifestRecord.class);
    private static final JavaType TAG_MAP = JSON.getTypeFactory()
            .constructMapType(LinkedHashMap.class, String.class, TagRecord.class);
    private static final JavaType BLOB_LINK = JSON.constructType(BlobLink.class);

    private final Path repositories;
    private final Path tmp;
    private final ReentrantLock[] stripes = new ReentrantLock[64];

    public RepositoryIndex(Path root) {
        this.repositories = root.resolve("repositories");
        this.tmp = root.resolve("tmp");
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
        try {
            Files.createDirectories(repositories);
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- manifests

    public Optional<ManifestRecord> manifest(Repository repo, Digest digest) {
        return readJson(manifestPath(repo, digest), MANIFEST);
    }

    /** Records a manifest; an existing record's access only ever widens (public stays public). */
    public void putManifest(Repository repo, ManifestRecord record) {
        Path path = manifestPath(repo, Digest.parse(record.digest()));
        this.<ManifestRecord>update(path, MANIFEST, old -> old == null ? record
                : new ManifestRecord(record.digest(), record.mediaType(), record.size(), record.cachedAt(),
                        Access.widest(old.accessOrAccount(), record.accessOrAccount())));
    }

    /** Records a use of the repository's manifest (an image): the record's modification time is its last access. */
    public void touchManifest(Repository repo, Digest digest, Duration granularity) {
        AccessTimes.touch(manifestPath(repo, digest), granularity);
    }

    /** A repository's manifest (an image) and when it was last used. */
    public record ManifestEntry(Repository repo, Digest digest, long lastAccess) {
    }

    /** Every image the cache records, across repositories. */
    public List<ManifestEntry> allManifests() {
        List<ManifestEntry> out = new ArrayList<>();
        try {
            Files.walkFileTree(repositories, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    // name components never start with '_': of the records, only _manifests has images
                    String name = dir.getFileName().toString();
                    return name.startsWith("_") && !name.equals("_manifests") ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    Path alg = file.getParent();
                    Path manifestsDir = alg.getParent();
                    String name = file.getFileName().toString();
                    if (manifestsDir == null || !manifestsDir.getFileName().toString().equals("_manifests") || !name.endsWith(".json")) {
                        return FileVisitResult.CONTINUE;
                    }
                    try {
                        Repository repo = repositoryOf(manifestsDir.getParent());
                        Digest d = Digest.parse(alg.getFileName() + ":" + name.substring(0, name.length() - 5));
                        out.add(new ManifestEntry(repo, d, attrs.lastModifiedTime().toMillis()));
                    } catch (RuntimeException e) {
                        // not a record of ours
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Forgets an image of a repository, and the tags that pointed at it. */
    public void removeManifest(Repository repo, Digest digest) {
        try {
            Files.deleteIfExists(manifestPath(repo, digest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String tag : tags(repo)) {
            updateTag(repo, tag, records -> records.values().removeIf(r -> r.digest().equals(digest.toString())));
        }
    }

    /** Forgets a repository entirely: its manifests, tags and blob links. */
    public void removeRepository(Repository repo) {
        Path dir = repoDir(repo);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            // only the repository's own records: nested repositories (a/b under a) keep theirs
            List<Path> own = walk.filter(p -> {
                Path rel = dir.relativize(p);
                return rel.getNameCount() > 0 && rel.getName(0).toString().startsWith("_");
            }).sorted(java.util.Comparator.reverseOrder()).toList();
            for (Path p : own) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository a {@code repositories/<registry>/<name>} directory stands for. */
    private Repository repositoryOf(Path repoDir) {
        Path rel = repositories.relativize(repoDir);
        String registry = rel.getName(0).toString().replace('_', ':'); // host names have no '_'
        String name = rel.subpath(1, rel.getNameCount()).toString().replace('\\', '/');
        return new Repository(registry, new RepositoryName(name));
    }

    // ---- tags

    /** The tag's records keyed by {@link io.regcache.oci.AcceptedTypes#key()}; empty when unknown. */
    public Map<String, TagRecord> tag(Repository repo, String tag) {
        return RepositoryIndex.<Map<String, TagRecord>>readJson(tagPath(repo, tag), TAG_MAP).orElseGet(LinkedHashMap::new);
    }

    public void putTag(Repository repo, String tag, String acceptKey, TagRecord record) {
        updateTag(repo, tag, records -> {
            records.put(acceptKey, record);
            return true;
        });
    }

    /** Forgets what the tag resolved to for one set of accepted types (the upstream no longer has it). */
    public void removeTag(Repository repo, String tag, String acceptKey) {
        updateTag(repo, tag, records -> records.remove(acceptKey) != null);
    }

    /** Edits a copy of the tag's records; {@code edit} tells whether it changed them. No records left: the file goes. */
    private void updateTag(Repository repo, String tag, Predicate<Map<String, TagRecord>> edit) {
        this.<Map<String, TagRecord>>update(tagPath(repo, tag), TAG_MAP, old -> {
            Map<String, TagRecord> records = old == null ? new LinkedHashMap<>() : new LinkedHashMap<>(old);
            if (!edit.test(records)) {
                return old;
            }
            return records.isEmpty() ? null : records;
        });
    }

    /** Tags cached for the repository, sorted. */
    public List<String> tags(Repository repo) {
        Path dir = repoDir(repo).resolve("_tags");
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length()))
                    .sorted()
                    .forEach(out::add);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    // ---- blob links

    /** A blob the repository was seen to have, with the access that saw it. */
    public record BlobLink(String digest, long size, Access access) {
    }

    /** How the repository's link to the blob was established, if it has one. */
    public Optional<Access> blobAccess(Repository repo, Digest digest) {
        return RepositoryIndex.<BlobLink>readJson(blobLinkPath(repo, digest), BLOB_LINK).map(l -> Access.orAccount(l.access()));
    }

    /** Links the blob to the repository; an existing link's access only ever widens. */
    public void linkBlob(Repository repo, Digest digest, long size, Access access) {
        // a link that serves this access already stays; any other is rewritten to this, the wider, access
        this.<BlobLink>update(blobLinkPath(repo, digest), BLOB_LINK, old ->
                old != null && Access.orAccount(old.access()).usableBy(access) ? old : new BlobLink(digest.toString(), size, access));
    }

    // ---- paths

    private Path repoDir(Repository repo) {
        // registry names are validated host[:port]; ':' is not welcome in every file system
        return repositories.resolve(repo.registry().replace(':', '_')).resolve(repo.name().value());
    }

    private Path manifestPath(Repository repo, Digest digest) {
        return repoDir(repo).resolve("_manifests").resolve(digest.algorithm()).resolve(digest.hex() + ".json");
    }

    private Path tagPath(Repository repo, String tag) {
        return repoDir(repo).resolve("_tags").resolve(tag + ".json");
    }

    private Path blobLinkPath(Repository repo, Digest digest) {
        return repoDir(repo).resolve("_blobs").resolve(digest.algorithm()).resolve(digest.hex());
    }

    private ReentrantLock stripe(Path path) {
        return stripes[Math.floorMod(path.hashCode(), stripes.length)];
    }

    // ---- JSON files, replaced atomically

    /**
     * Reads, changes and replaces one record under its stripe's lock. {@code change} gets the record
     * (null when there is none) and returns it unchanged to leave the file alone, or null to delete it.
     */
    private <T> void update(Path path, JavaType type, UnaryOperator<T> change) {
        ReentrantLock lock = stripe(path);
        lock.lock();
        try {
            T old = RepositoryIndex.<T>readJson(path, type).orElse(null);
            T changed = change.apply(old);
            if (changed == old) {
                return;
            }
            if (changed == null) {
                Files.deleteIfExists(path);
            } else {
                writeJson(path, changed);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    private static <T> Optional<T> readJson(Path path, JavaType type) {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(path), type));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable record " + path, e);
        }
    }

    private void writeJson(Path path, Object value) {
        try {
            Files.createDirectories(path.getParent());
            Path temp = tmp.resolve(UUID.randomUUID() + ".json");
            Files.write(temp, JSON.writeValueAsBytes(value));
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write record " + path, e);
        }
    }
}
