package io.regcache.oci;

import java.util.regex.Pattern;

/** What follows {@code /manifests/}: a tag or a digest, never both. */
public final class Reference {
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    private final String tag;
    private final Digest digest;

    private Reference(String tag, Digest digest) {
        this.tag = tag;
        this.digest = digest;
    }

    public static Reference parse(String text) {
        if (Digest.isDigest(text)) {
            return new Reference(null, Digest.parse(text));
        }
        if (text == null || !TAG.matcher(text).matches()) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, "invalid tag or digest: " + Digest.abbreviate(text));
        }
        return new Reference(text, null);
    }

    public static Reference of(Digest digest) {
        return new Reference(null, digest);
    }

    public static boolean isValidTag(String text) {
        return text != null && TAG.matcher(text).matches();
    }

    public boolean isDigest() {
        return digest != null;
    }

    public String tag() {
        return tag;
    }

    public Digest digest() {
        return digest;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reference r && r.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return digest != null ? digest.toString() : tag;
    }
}
