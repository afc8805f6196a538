package io.regcache.it.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An image as stored upstream: the exact manifest bytes and digest the registry serves, the blobs
 * it references and, for an index/list, its per-platform children (each with {@code platform}).
 *
 * @param registry        {@code host:port} of the registry it was pushed to
 * @param tag             tag of the top-level image; null for children
 * @param platform        platform of a child; null at top level
 * @param config          config blob; null for an index/list
 * @param layers          layer blobs in manifest order; empty for an index/list
 * @param children        per-platform images of an index/list, in index order; empty otherwise
 */
public record SeededImage(String registry, String repository, String tag, String digest, String mediaType,
                          byte[] manifestBytes, Platform platform, BlobRef config, List<BlobRef> layers,
                          List<SeededImage> children) {

    public boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }

    /** {@code host:port/repository:tag} (or {@code @digest} for children). */
    public String reference() {
        return tag != null ? registry + "/" + repository + ":" + tag : digestReference();
    }

    /** {@code host:port/repository@digest}. */
    public String digestReference() {
        return registry + "/" + repository + "@" + digest;
    }

    public String manifestText() {
        return new String(manifestBytes, StandardCharsets.UTF_8);
    }

    public SeededImage child(Platform p) {
        return children.stream().filter(c -> p.equals(c.platform())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no child for " + p + " in " + reference()));
    }

    /** Configs and layers of this image and all children (deduplicated, in order). */
    public List<BlobRef> blobs() {
        Set<BlobRef> out = new LinkedHashSet<>();
        if (config != null) {
            out.add(config);
        }
        out.addAll(layers);
        for (SeededImage c : children) {
            out.addAll(c.blobs());
        }
        return new ArrayList<>(out);
    }

    /** Digests of this manifest, child manifests and all blobs. */
    public Set<String> allDigests() {
        Set<String> out = new LinkedHashSet<>();
        out.add(digest);
        children.forEach(c -> out.add(c.digest()));
        blobs().forEach(b -> out.add(b.digest()));
        return out;
    }

    @Override
    public String toString() {
        return reference() + " (" + mediaType + ", " + digest + ")";
    }
}
