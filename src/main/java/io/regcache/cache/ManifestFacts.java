package io.regcache.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regcache.oci.Digest;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.MediaTypes;
import io.regcache.oci.RegistryException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the mirror reads from a manifest: its media type, the blobs it references (config and
 * layers) and, for an index, its child manifests — so that a repository's cached manifests say
 * which blobs that repository may serve, and which blobs a kept image still needs.
 * The bytes themselves are never re-serialised; their digest covers them exactly as received.
 */
record ManifestFacts(String mediaType, List<BlobRef> blobs, List<Digest> children) {
    record BlobRef(Digest digest, long size) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> GENERIC_TYPES = Set.of("application/json", "text/plain", MediaTypes.OCTET_STREAM);

    /**
     * Parses manifest bytes; {@code servedType} is the upstream's Content-Type, which wins unless
     * it is generic. Throws MANIFEST_INVALID (as a bad upstream answer) if the bytes are no manifest.
     */
    static ManifestFacts parse(byte[] bytes, String servedType) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw invalid("upstream manifest is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw invalid("upstream manifest is not a JSON object");
        }
        String mediaType = servedType;
        if (mediaType == null || mediaType.isBlank() || GENERIC_TYPES.contains(mediaType)) {
            if (root.hasNonNull("mediaType")) {
                mediaType = root.get("mediaType").asText();
            } else if (root.path("schemaVersion").asInt() == 1) {
                mediaType = MediaTypes.DOCKER_SCHEMA1_SIGNED;
            } else if (root.has("manifests")) {
                mediaType = MediaTypes.OCI_INDEX;
            } else {
                mediaType = MediaTypes.OCI_MANIFEST;
            }
        }
        List<BlobRef> blobs = new ArrayList<>();
        addDescriptor(root.get("config"), blobs);
        for (JsonNode layer : root.path("layers")) {
            addDescriptor(layer, blobs);
        }
        for (JsonNode layer : root.path("fsLayers")) { // schema1
            addDigest(layer.path("blobSum").asText(null), -1, blobs);
        }
        List<BlobRef> children = new ArrayList<>();
        for (JsonNode child : root.path("manifests")) { // index or manifest list
            addDescriptor(child, children);
        }
        return new ManifestFacts(mediaType, List.copyOf(blobs), children.stream().map(BlobRef::digest).toList());
    }

    private static void addDescriptor(JsonNode d, List<BlobRef> out) {
        if (d != null && d.isObject()) {
            addDigest(d.path("digest").asText(null), d.path("size").asLong(-1), out);
        }
    }

    private static void addDigest(String text, long size, List<BlobRef> out) {
        if (text == null) {
            return;
        }
        try {
            out.add(new BlobRef(Digest.parse(text), size));
        } catch (RegistryException ignored) {
            // a digest the mirror cannot verify is never served, so it needs no link either
        }
    }

    private static RegistryException invalid(String message) {
        return new RegistryException(ErrorCode.MANIFEST_INVALID, 502, message);
    }
}
