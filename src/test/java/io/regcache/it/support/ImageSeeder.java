package io.regcache.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Generates test images (see {@link TestImages}) and pushes them to a registry with skopeo, then
 * reads back what the registry actually stores, because a {@code --format} conversion rewrites
 * the manifest.
 */
public final class ImageSeeder implements AutoCloseable {
    public static final List<Platform> MULTI_ARCH_PLATFORMS = List.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64);
    private static final SecureRandom SEEDS = new SecureRandom();

    private final String registry;
    private final String pushCreds;
    private final Skopeo skopeo;
    private final RegistryHttpClient client;
    private final Path work;

    /** Seeds into {@code upstream} with its push credentials (pusher for token auth). */
    public ImageSeeder(UpstreamRegistry upstream, Skopeo skopeo) {
        this(upstream.hostPort(), pushCredentials(upstream.auth()), skopeo);
    }

    /** @param pushCreds {@code user:password} allowed to push and pull, or null for no auth */
    public ImageSeeder(String registryHostPort, String pushCreds, Skopeo skopeo) {
        this.registry = registryHostPort;
        this.pushCreds = pushCreds;
        this.skopeo = skopeo;
        String[] up = pushCreds == null ? null : pushCreds.split(":", 2);
        this.client = up == null ? new RegistryHttpClient("http://" + registryHostPort)
                : new RegistryHttpClient("http://" + registryHostPort, up[0], up[1]);
        this.work = TempDirs.create("seeder");
    }

    static String pushCredentials(UpstreamRegistry.Auth auth) {
        if (auth instanceof UpstreamRegistry.Auth.Token) {
            return TokenServer.PUSHER + ":" + TokenServer.PUSHER_PASSWORD;
        }
        if (auth instanceof UpstreamRegistry.Auth.Basic b) {
            return b.user() + ":" + b.password();
        }
        return null;
    }

    /**
     * Generates and pushes an image. Multi-arch kinds get linux/amd64 and linux/arm64 children,
     * each with layers of the given sizes. Layer content is random, so every call makes new blobs.
     *
     * @param layerSizes bytes of random file content per layer (the gzip blob is slightly larger)
     */
    public SeededImage seed(ImageKind kind, String repository, String tag, long... layerSizes) {
        if (layerSizes.length == 0) {
            throw new IllegalArgumentException("at least one layer");
        }
        List<Long> sizes = Arrays.stream(layerSizes).boxed().toList();
        Path layoutDir = work.resolve("layout-" + System.nanoTime());
        try {
            Files.createDirectories(layoutDir);
            OciLayout layout = OciLayout.create(layoutDir);
            long seed = SEEDS.nextLong();
            BlobRef top = kind.multiArch()
                    ? TestImages.index(layout, MULTI_ARCH_PLATFORMS, sizes, seed)
                    : TestImages.image(layout, Platform.LINUX_AMD64, sizes, seed);
            layout.tag(tag, top);
            skopeo.push(layout.reference(tag), registry + "/" + repository + ":" + tag, pushCreds,
                    kind.multiArch(), kind.skopeoFormat());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            TempDirs.deleteQuietly(layoutDir); // big layers: do not keep a second copy around
        }
        SeededImage image = readBack(repository, tag);
        if (!kind.mediaType().equals(image.mediaType())) {
            throw new IllegalStateException("pushed " + kind + " but registry stores " + image.mediaType());
        }
        return image;
    }

    /** Reads an image (tag or digest) back from the registry, children included. */
    public SeededImage readBack(String repository, String reference) {
        return read(repository, reference, reference.startsWith("sha256:") ? null : reference, null);
    }

    private SeededImage read(String repository, String reference, String tag, Platform platform) {
        RegistryHttpClient.Response r = upstreamManifest(repository, reference);
        byte[] bytes = r.body();
        String digest = Digests.sha256(bytes);
        if (r.digestHeader() != null && !digest.equals(r.digestHeader())) {
            throw new IllegalStateException("Docker-Content-Digest " + r.digestHeader() + " != sha256 of body " + digest);
        }
        try {
            JsonNode m = OciLayout.JSON.readTree(bytes);
            String mediaType = m.hasNonNull("mediaType") ? m.get("mediaType").asText() : r.contentType();
            List<SeededImage> children = new ArrayList<>();
            List<BlobRef> layers = new ArrayList<>();
            BlobRef config = null;
            if (MediaTypes.isIndex(mediaType)) {
                for (JsonNode d : m.get("manifests")) {
                    JsonNode p = d.get("platform");
                    Platform cp = p == null ? null : new Platform(p.get("os").asText(), p.get("architecture").asText());
                    children.add(read(repository, d.get("digest").asText(), null, cp));
                }
            } else {
                config = blobRef(m.get("config"));
                for (JsonNode l : m.get("layers")) {
                    layers.add(blobRef(l));
                }
            }
            return new SeededImage(registry, repository, tag, digest, mediaType, bytes, platform, config,
                    List.copyOf(layers), List.copyOf(children));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The raw manifest response from the registry (exact bytes, Content-Type, Docker-Content-Digest). */
    public RegistryHttpClient.Response upstreamManifest(String repository, String reference) {
        RegistryHttpClient.Response r = client.getManifest(repository, reference);
        if (r.status() != 200) {
            throw new IllegalStateException("GET manifest " + repository + ":" + reference + " from " + registry
                    + " -> " + r.status() + ": " + r.bodyText());
        }
        return r;
    }

    private static BlobRef blobRef(JsonNode d) {
        return new BlobRef(d.get("mediaType").asText(), d.get("digest").asText(), d.get("size").asLong());
    }

    @Override
    public void close() {
        TempDirs.deleteQuietly(work);
    }
}
