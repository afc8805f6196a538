package io.regcache.it.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds test images into an {@link OciLayout}: random layers, a config with matching diff_ids,
 * a manifest, and for multi-arch images an index/list over per-platform manifests.
 *
 * <p>Always OCI media types: skopeo's {@code oci:} source rejects Docker media types in a layout
 * ("no descriptor found for reference"), so Docker-typed images are made by pushing with
 * {@code skopeo copy --format v2s2}, which converts (for lists too, with {@code --all}).
 */
public final class TestImages {
    private TestImages() {
    }

    /** Writes one platform's image and returns its manifest descriptor (not tagged). */
    public static BlobRef image(OciLayout layout, Platform platform, List<Long> layerSizes, long seed) {
        List<OciLayout.Layer> layers = new ArrayList<>();
        for (int i = 0; i < layerSizes.size(); i++) {
            layers.add(layout.addRandomLayer(MediaTypes.OCI_LAYER_GZIP,
                    layerSizes.get(i), seed * 1000 + i));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", "2024-01-01T00:00:00Z");
        config.put("architecture", platform.architecture());
        config.put("os", platform.os());
        config.put("config", Map.of("Env", List.of("PATH=/usr/bin:/bin", "REGCACHE_IT_SEED=" + seed),
                "Cmd", List.of("/bin/true")));
        config.put("rootfs", Map.of("type", "layers", "diff_ids", layers.stream().map(OciLayout.Layer::diffId).toList()));
        List<Map<String, Object>> history = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            history.add(Map.of("created", "2024-01-01T00:00:00Z", "created_by", "regcache-it layer " + i));
        }
        config.put("history", history);
        BlobRef configRef = layout.addJson(config, MediaTypes.OCI_CONFIG);

        return layout.addBlob(OciLayout.manifest(configRef, layers.stream().map(OciLayout.Layer::blob).toList()),
                MediaTypes.OCI_MANIFEST);
    }

    /** Writes per-platform images plus an OCI index over them. */
    public static BlobRef index(OciLayout layout, List<Platform> platforms, List<Long> layerSizes, long seed) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < platforms.size(); i++) {
            Platform p = platforms.get(i);
            BlobRef child = image(layout, p, layerSizes, seed * 100 + i + 1);
            Map<String, Object> d = OciLayout.descriptor(child);
            d.put("platform", Map.of("architecture", p.architecture(), "os", p.os()));
            entries.add(d);
        }
        String type = MediaTypes.OCI_INDEX;
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", type);
        index.put("manifests", entries);
        return layout.addJson(index, type);
    }
}
