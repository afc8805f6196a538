package io.regcache.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class RepositoryNameTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "alpine", "library/alpine", "a/b/c", "a__b", "a--b", "a---b", "a.b", "a_b", "a-b/c.d/e__f",
            "0", "9abc/x1", "samalba/my-app",
    })
    void acceptsSpecGrammar(String name) {
        assertTrue(RepositoryName.isValid(name));
        assertEquals(name, new RepositoryName(name).value());
        assertEquals(name, new RepositoryName(name).toString());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
            "", "Library/alpine", "ALPINE", "a/B", "..", "a/..", "../a", "a..b", "a//b", "/a", "a/", "a_/b", "_a",
            "a___b", "a._b", "-a", "a-", "a.", ".a", "%2e%2e", "a%2fb", "a\\b", "a b", "a:b", "a@b", "a/b\n",
    })
    void rejectsWithNameInvalid(String name) {
        assertFalse(RepositoryName.isValid(name));
        RegistryException e = assertThrows(RegistryException.class, () -> new RepositoryName(name));
        assertEquals(ErrorCode.NAME_INVALID, e.code());
        assertEquals(400, e.status());
    }

    @Test
    void lengthLimitIs255() {
        String ok = "a".repeat(255);
        assertEquals(ok, new RepositoryName(ok).value());
        String tooLong = "a".repeat(256);
        assertFalse(RepositoryName.isValid(tooLong));
        RegistryException e = assertThrows(RegistryException.class, () -> new RepositoryName(tooLong));
        assertEquals(ErrorCode.NAME_INVALID, e.code());
        String tooLongWithSlashes = "ab/".repeat(85) + "a"; // 256 characters, grammar-valid
        assertEquals(256, tooLongWithSlashes.length());
        assertThrows(RegistryException.class, () -> new RepositoryName(tooLongWithSlashes));
    }

    @Test
    void libraryPrefixOnlyForSingleComponentNames() {
        assertEquals("library/alpine", new RepositoryName("alpine").withLibraryPrefixIfSingle().value());
        RepositoryName two = new RepositoryName("bitnami/redis");
        assertSame(two, two.withLibraryPrefixIfSingle());
        RepositoryName already = new RepositoryName("library/alpine");
        assertEquals("library/alpine", already.withLibraryPrefixIfSingle().value());
    }

    @Test
    void libraryPrefixThatWouldExceedTheLimitIsRejected() {
        RepositoryName n = new RepositoryName("a".repeat(250));
        RegistryException e = assertThrows(RegistryException.class, n::withLibraryPrefixIfSingle);
        assertEquals(ErrorCode.NAME_INVALID, e.code());
    }

    @Test
    void equalityByValue() {
        assertEquals(new RepositoryName("a/b"), new RepositoryName("a/b"));
        assertEquals(new RepositoryName("a/b").hashCode(), new RepositoryName("a/b").hashCode());
        assertFalse(new RepositoryName("a/b").equals(new RepositoryName("a/c")));
    }
}
