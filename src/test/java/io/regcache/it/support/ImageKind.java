package io.regcache.it.support;

/** The kinds of test image {@link ImageSeeder} can push, and how skopeo pushes each. */
public enum ImageKind {
    /** Single-arch Docker v2 schema 2 ({@code skopeo copy --format v2s2}). */
    DOCKER_V2S2(false, "v2s2", MediaTypes.DOCKER_MANIFEST),
    /** Single-arch OCI image manifest. */
    OCI(false, null, MediaTypes.OCI_MANIFEST),
    /** OCI image index over linux/amd64 and linux/arm64 ({@code skopeo copy --all}). */
    OCI_INDEX(true, null, MediaTypes.OCI_INDEX),
    /**
     * Docker manifest list over linux/amd64 and linux/arm64. skopeo 1.9 converts the generated OCI
     * index (and its children) when given {@code --all --format v2s2}.
     */
    DOCKER_MANIFEST_LIST(true, "v2s2", MediaTypes.DOCKER_MANIFEST_LIST);

    private final boolean multiArch;
    private final String skopeoFormat;
    private final String mediaType;

    ImageKind(boolean multiArch, String skopeoFormat, String mediaType) {
        this.multiArch = multiArch;
        this.skopeoFormat = skopeoFormat;
        this.mediaType = mediaType;
    }

    public boolean multiArch() {
        return multiArch;
    }

    /** Value for {@code skopeo copy --format}, or null to keep OCI. */
    public String skopeoFormat() {
        return skopeoFormat;
    }

    /** Media type of the top-level manifest as stored upstream. */
    public String mediaType() {
        return mediaType;
    }
}
