package io.regcache.oci;

import java.util.List;

/** Media types a registry mirror deals in. */
public final class MediaTypes {
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    public static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
    public static final String OCTET_STREAM = "application/octet-stream";

    /** Manifest types the mirror negotiates, in the order it offers them upstream. */
    public static final List<String> MANIFEST_TYPES = List.of(
            DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_MANIFEST, OCI_INDEX, DOCKER_SCHEMA1_SIGNED, DOCKER_SCHEMA1);

    /** The four current types: what the mirror asks for when a client states no preference. */
    public static final List<String> CURRENT_MANIFEST_TYPES = MANIFEST_TYPES.subList(0, 4);

    private MediaTypes() {
    }

    /**
     * Which of {@link #MANIFEST_TYPES} a header element names ({@code type;params}, any case,
     * spaces around), or -1; read in place, without allocating.
     */
    public static int manifestTypeIndex(String element) {
        int start = 0;
        int end = element.indexOf(';');
        if (end < 0) {
            end = element.length();
        }
        while (start < end && element.charAt(start) == ' ') {
            start++;
        }
        while (end > start && element.charAt(end - 1) == ' ') {
            end--;
        }
        int len = end - start;
        for (int i = 0; i < MANIFEST_TYPES.size(); i++) {
            String t = MANIFEST_TYPES.get(i);
            if (t.length() == len && element.regionMatches(true, start, t, 0, len)) {
                return i;
            }
        }
        return -1;
    }

    /** The bare type without parameters, lower-cased: {@code application/json; charset=utf-8} → {@code application/json}. */
    public static String bare(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
    }
}
