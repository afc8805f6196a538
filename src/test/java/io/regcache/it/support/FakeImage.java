package io.regcache.it.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An OCI image made up in memory for a {@link FaultyUpstream} to serve (see
 * {@link FaultyUpstream#publish}): config and layer bytes, and the manifest over them, serialised as
 * {@link TestImages} serialises its manifests.
 */
public record FakeImage(byte[] manifest, byte[] config, List<byte[]> layers) {

    /** {@code size} pseudo-random bytes, the same for the same seed. */
    public static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    public static FakeImage of(byte[] config, byte[]... layers) {
        List<BlobRef> layerRefs = new ArrayList<>();
        for (byte[] layer : layers) {
            layerRefs.add(new BlobRef(MediaTypes.OCI_LAYER_GZIP, Digests.sha256(layer), layer.length));
        }
        BlobRef configRef = new BlobRef(MediaTypes.OCI_CONFIG, Digests.sha256(config), config.length);
        return new FakeImage(OciLayout.manifest(configRef, layerRefs), config, List.of(layers));
    }

    /** An image without layers whose config names it: another name, another manifest. */
    public static FakeImage named(String name) {
        return of(("{\"name\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** The manifest's digest. */
    public String digest() {
        return Digests.sha256(manifest);
    }

    /** The config, then the layers. */
    public List<byte[]> blobs() {
        List<byte[]> blobs = new ArrayList<>();
        blobs.add(config);
        blobs.addAll(layers);
        return blobs;
    }
}
