package io.regcache.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceTest {
    private static final String SHA = "sha256:" + DigestTest.EMPTY_SHA256;

    @ParameterizedTest
    @ValueSource(strings = {"latest", "3.20", "v1.0.0-rc.1", "_private", "A_b-C.d", "0", "sha256-abc"})
    void acceptsTags(String tag) {
        Reference r = Reference.parse(tag);
        assertFalse(r.isDigest());
        assertEquals(tag, r.tag());
        assertNull(r.digest());
        assertEquals(tag, r.toString());
        assertTrue(Reference.isValidTag(tag));
    }

    @Test
    void tagOf128CharactersIsTheMaximum() {
        String max = "t" + "x".repeat(127);
        assertEquals(max, Reference.parse(max).tag());
        String tooLong = max + "x";
        RegistryException e = assertThrows(RegistryException.class, () -> Reference.parse(tooLong));
        assertEquals(400, e.status());
        assertFalse(Reference.isValidTag(tooLong));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", ".hidden", "-dash", "a/b", "a b", "tag!", "ta%67", "..", "a\\b"})
    void rejectsInvalidTags(String text) {
        RegistryException e = assertThrows(RegistryException.class, () -> Reference.parse(text));
        assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
        assertEquals(400, e.status());
        assertFalse(Reference.isValidTag(text));
    }

    @Test
    void digestIsRoutedToDigestParse() {
        Reference r = Reference.parse(SHA);
        assertTrue(r.isDigest());
        assertNull(r.tag());
        assertEquals(Digest.parse(SHA), r.digest());
        assertEquals(SHA, r.toString());
        assertEquals(Reference.of(Digest.parse(SHA)), r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha256:abc", "md5:d41d8cd98f00b204e9800998ecf8427e", "sha256:" + "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"})
    void invalidDigestReferencesFailAsDigests(String text) {
        RegistryException e = assertThrows(RegistryException.class, () -> Reference.parse(text));
        assertEquals(ErrorCode.DIGEST_INVALID, e.code());
    }

    @Test
    void equality() {
        assertEquals(Reference.parse("latest"), Reference.parse("latest"));
        assertEquals(Reference.parse("latest").hashCode(), Reference.parse("latest").hashCode());
        assertNotEquals(Reference.parse("latest"), Reference.parse("Latest"));
        assertNotEquals(Reference.parse("latest"), Reference.parse(SHA));
    }
}
