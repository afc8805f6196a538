package io.regcache.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {
    /** sha256("") and sha512("") from FIPS 180 test vectors. */
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    static final String EMPTY_SHA512 = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
            + "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";
    static final String ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void acceptsSha256() {
        Digest d = Digest.parse("sha256:" + EMPTY_SHA256);
        assertEquals("sha256", d.algorithm());
        assertEquals(EMPTY_SHA256, d.hex());
        assertEquals("sha256:" + EMPTY_SHA256, d.toString());
    }

    @Test
    void acceptsSha512() {
        Digest d = Digest.parse("sha512:" + EMPTY_SHA512);
        assertEquals("sha512", d.algorithm());
        assertEquals(EMPTY_SHA512, d.hex());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
            "",
            "sha256",                                   // missing colon
            "sha256" + EMPTY_SHA256,                    // missing colon
            "sha256:",                                  // nothing encoded
            ":" + EMPTY_SHA256,                         // no algorithm
            "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", // uppercase hex
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",  // 63 chars
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555", // 65 chars
            "sha256:g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // not hex
            "sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // sha512 with 64
            "blake3:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // unknown algorithm
            "md5:d41d8cd98f00b204e9800998ecf8427e",     // unknown algorithm
            "SHA256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // uppercase algorithm
            " sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // leading space
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n", // trailing newline
            "sha256:../../etc/passwd",
    })
    void rejectsInvalidDigests(String text) {
        RegistryException e = assertThrows(RegistryException.class, () -> Digest.parse(text));
        assertEquals(ErrorCode.DIGEST_INVALID, e.code());
        assertEquals(400, e.status());
    }

    @Test
    void rejects300CharacterInputWithShortMessage() {
        String text = "sha256:" + "a".repeat(293);
        assertEquals(300, text.length());
        RegistryException e = assertThrows(RegistryException.class, () -> Digest.parse(text));
        assertEquals(ErrorCode.DIGEST_INVALID, e.code());
        assertTrue(e.getMessage().length() < 200, "message should abbreviate the input: " + e.getMessage());
    }

    @Test
    void sha256OfBytes() {
        assertEquals("sha256:" + EMPTY_SHA256, Digest.sha256(new byte[0]).toString());
        assertEquals("sha256:" + ABC_SHA256, Digest.sha256("abc".getBytes(StandardCharsets.US_ASCII)).toString());
        assertEquals("sha512:" + EMPTY_SHA512, Digest.of("sha512", new byte[0]).toString());
    }

    @Test
    void matchesComparesContent() {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        Digest d = Digest.parse("sha256:" + ABC_SHA256);
        assertTrue(d.matches(abc));
        assertFalse(d.matches("abd".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(d.matches(new byte[0]));
        assertTrue(Digest.parse("sha512:" + EMPTY_SHA512).matches(new byte[0]));
        assertFalse(Digest.parse("sha512:" + EMPTY_SHA512).matches(abc));
    }

    @Test
    void equalityAndHashCode() {
        Digest a = Digest.parse("sha256:" + ABC_SHA256);
        Digest b = Digest.sha256("abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, Digest.parse("sha256:" + EMPTY_SHA256));
        assertNotEquals(a, "sha256:" + ABC_SHA256);
        // same hex under another algorithm is another digest
        assertNotEquals(Digest.fromHash("sha256", new byte[32]), Digest.fromHash("sha512", new byte[32]));
    }

    @Test
    void isDigestLooksForAnAlgorithmPrefix() {
        assertTrue(Digest.isDigest("sha256:abc"));
        assertFalse(Digest.isDigest("latest"));
        assertFalse(Digest.isDigest(":abc"));
        assertFalse(Digest.isDigest(null));
    }
}
