package io.regcache.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Writes an OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/}). */
public final class OciLayout {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path blobs;
    private final List<Map<String, Object>> tagged = new ArrayList<>();

    private OciLayout(Path dir) {
        this.dir = dir;
        this.blobs = dir.resolve("blobs").resolve("sha256");
    }

    public static OciLayout create(Path dir) {
        try {
            OciLayout l = new OciLayout(dir);
            Files.createDirectories(l.blobs);
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            l.writeIndex();
            return l;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** skopeo/containers-image reference of a tag in this layout. */
    public String reference(String tag) {
        return "oci:" + dir + ":" + tag;
    }

    public BlobRef addBlob(byte[] content, String mediaType) {
        String digest = Digests.sha256(content);
        try {
            Files.write(blobs.resolve(Digests.hex(digest)), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BlobRef(mediaType, digest, content.length);
    }

    /** Serialises {@code json} compactly (the bytes are what gets digested and pushed). */
    public BlobRef addJson(Object json, String mediaType) {
        try {
            return addBlob(JSON.writeValueAsBytes(json), mediaType);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A gzip tar layer with {@code contentSize} random bytes, streamed to disk. */
    public Layer addRandomLayer(String mediaType, long contentSize, long seed) {
        try {
            Path tmp = Files.createTempFile(blobs, "layer-", ".tmp");
            RandomLayer.Written w;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                w = RandomLayer.write(out, "random-" + Long.toHexString(seed) + ".bin", contentSize, seed);
            }
            Files.move(tmp, blobs.resolve(Digests.hex(w.digest())), StandardCopyOption.REPLACE_EXISTING);
            return new Layer(new BlobRef(mediaType, w.digest(), w.size()), w.diffId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lists {@code manifest} in index.json under the tag annotation {@code org.opencontainers.image.ref.name}. */
    public void tag(String tag, BlobRef manifest) {
        Map<String, Object> d = descriptor(manifest);
        d.put("annotations", Map.of("org.opencontainers.image.ref.name", tag));
        tagged.add(d);
        writeIndex();
    }

    /** An OCI image manifest over {@code config} and {@code layers}, serialised compactly. */
    static byte[] manifest(BlobRef config, List<BlobRef> layers) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
        manifest.put("config", descriptor(config));
        manifest.put("layers", layers.stream().map(OciLayout::descriptor).toList());
        try {
            return JSON.writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> descriptor(BlobRef ref) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", ref.mediaType());
        d.put("digest", ref.digest());
        d.put("size", ref.size());
        return d;
    }

    private void writeIndex() {
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("manifests", tagged);
        try {
            Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A layer blob plus the digest of its uncompressed tar. */
    public record Layer(BlobRef blob, String diffId) {
    }
}
