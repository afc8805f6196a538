package io.regcache.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest {@code algorithm:hex}, validated on construction. Only algorithms the mirror can
 * verify are accepted (sha256, sha512): a cache must never store what it cannot check.
 */
public final class Digest {
    private static final Pattern GRAMMAR = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");

    private final String algorithm;
    private final String hex;
    private final String text;

    private Digest(String algorithm, String hex) {
        this.algorithm = algorithm;
        this.hex = hex;
        this.text = algorithm + ":" + hex;
    }

    public static Digest parse(String text) {
        // the two algorithms the mirror verifies, checked without the regex engine (the hot path)
        if (text != null && text.length() == 71 && text.startsWith("sha256:") && isLowerHex(text, 7)) {
            return new Digest("sha256", text.substring(7));
        }
        if (text != null && text.length() == 135 && text.startsWith("sha512:") && isLowerHex(text, 7)) {
            return new Digest("sha512", text.substring(7));
        }
        throw new RegistryException(ErrorCode.DIGEST_INVALID, whyInvalid(text));
    }

    /** What is wrong with a text the fast paths above refused: they accept every valid digest. */
    private static String whyInvalid(String text) {
        if (text == null || text.length() > 256 || !GRAMMAR.matcher(text).matches()) {
            return "invalid digest: " + abbreviate(text);
        }
        String alg = text.substring(0, text.indexOf(':'));
        return alg.equals("sha256") || alg.equals("sha512")
                ? "invalid " + alg + " digest: " + abbreviate(text)
                : "unsupported digest algorithm: " + abbreviate(alg);
    }

    public static boolean isDigest(String text) {
        return text != null && text.indexOf(':') > 0;
    }

    /** sha256 of the given bytes. */
    public static Digest sha256(byte[] bytes) {
        return of("sha256", bytes);
    }

    public static Digest of(String algorithm, byte[] bytes) {
        MessageDigest md = newMessageDigest(algorithm);
        return new Digest(algorithm, HexFormat.of().formatHex(md.digest(bytes)));
    }

    public static Digest fromHash(String algorithm, byte[] hash) {
        return new Digest(algorithm, HexFormat.of().formatHex(hash));
    }

    /** A fresh hasher for this digest's algorithm. */
    public MessageDigest newHasher() {
        return newMessageDigest(algorithm);
    }

    /** True when the given bytes hash to this digest. */
    public boolean matches(byte[] bytes) {
        return equals(of(algorithm, bytes));
    }

    private static MessageDigest newMessageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(switch (algorithm) {
                case "sha256" -> "SHA-256";
                case "sha512" -> "SHA-512";
                default -> throw new IllegalArgumentException(algorithm);
            });
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isLowerHex(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "(none)";
        }
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    public String algorithm() {
        return algorithm;
    }

    public String hex() {
        return hex;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Digest d && d.algorithm.equals(algorithm) && d.hex.equals(hex);
    }

    @Override
    public int hashCode() {
        return hex.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
