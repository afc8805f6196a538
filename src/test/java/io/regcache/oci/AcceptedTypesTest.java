package io.regcache.oci;

import static io.regcache.oci.MediaTypes.DOCKER_MANIFEST;
import static io.regcache.oci.MediaTypes.DOCKER_MANIFEST_LIST;
import static io.regcache.oci.MediaTypes.DOCKER_SCHEMA1;
import static io.regcache.oci.MediaTypes.DOCKER_SCHEMA1_SIGNED;
import static io.regcache.oci.MediaTypes.OCI_INDEX;
import static io.regcache.oci.MediaTypes.OCI_MANIFEST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AcceptedTypesTest {
    private static final List<String> CURRENT = List.of(DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_MANIFEST, OCI_INDEX);

    @Test
    void separateLinesAndOneCommaLineGiveTheSameSet() {
        // moby: one Accept line per type; containerd: one line, plus */*
        AcceptedTypes moby = AcceptedTypes.fromHeaders(List.of(DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_MANIFEST));
        AcceptedTypes containerd = AcceptedTypes.fromHeaders(
                List.of(DOCKER_MANIFEST + ", " + DOCKER_MANIFEST_LIST + ",  " + OCI_MANIFEST + ", */*"));
        assertEquals(moby, containerd);
        assertEquals(moby.hashCode(), containerd.hashCode());
        assertEquals(moby.key(), containerd.key());
        assertEquals(List.of(DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_MANIFEST), moby.types());
        assertFalse(moby.accepts(OCI_INDEX));
    }

    @Test
    void orderOfHeadersDoesNotMatter() {
        List<String> lines = new ArrayList<>(CURRENT);
        AcceptedTypes forward = AcceptedTypes.fromHeaders(lines);
        Collections.reverse(lines);
        assertEquals(forward, AcceptedTypes.fromHeaders(lines));
    }

    @Test
    void wildcardOrNothingMeansTheCurrentFour() {
        for (List<String> lines : Arrays.asList(null, List.<String>of(), List.of(""), List.of("*/*"),
                List.of("application/json, */*"), Arrays.asList((String) null))) {
            AcceptedTypes t = AcceptedTypes.fromHeaders(lines);
            assertEquals(CURRENT, t.types(), "for " + lines);
            assertEquals(AcceptedTypes.current(), t);
            assertFalse(t.accepts(DOCKER_SCHEMA1_SIGNED));
            assertFalse(t.accepts(DOCKER_SCHEMA1));
        }
    }

    @Test
    void parametersAndCaseAreIgnored() {
        AcceptedTypes t = AcceptedTypes.fromHeaders(List.of("Application/VND.OCI.Image.Index.v1+JSON; q=0.5"));
        assertEquals(List.of(OCI_INDEX), t.types());
        assertTrue(t.accepts(OCI_INDEX + "; charset=utf-8"));
    }

    @Test
    void qZeroRefusesAType() {
        AcceptedTypes t = AcceptedTypes.fromHeaders(List.of(
                DOCKER_MANIFEST + ", " + OCI_MANIFEST + ";q=0, " + OCI_INDEX + "; q=0.0, " + DOCKER_MANIFEST_LIST + ";q=0.01"));
        assertEquals(List.of(DOCKER_MANIFEST, DOCKER_MANIFEST_LIST), t.types());
        assertFalse(t.accepts(OCI_MANIFEST));
        assertFalse(t.accepts(OCI_INDEX));
    }

    /** RFC 9110 12.4.2 and the class's own contract: {@code type;q=0} means "not this one", also next to a wildcard. */
    @Test
    void qZeroRefusalNextToAWildcardIsHonoured() {
        AcceptedTypes t = AcceptedTypes.fromHeaders(List.of("*/*, " + OCI_INDEX + ";q=0"));
        assertFalse(t.accepts(OCI_INDEX), "client refused the OCI index explicitly, but the set is " + t.types());
    }

    @Test
    void schema1IsKeptWhenNamed() {
        AcceptedTypes t = AcceptedTypes.fromHeaders(List.of(DOCKER_SCHEMA1_SIGNED, DOCKER_MANIFEST));
        assertTrue(t.accepts(DOCKER_SCHEMA1_SIGNED));
        assertTrue(t.accepts(DOCKER_MANIFEST));
        assertFalse(t.accepts(DOCKER_SCHEMA1));
    }

    @Test
    void acceptsOnlyKnownTypes() {
        AcceptedTypes all = AcceptedTypes.current();
        assertFalse(all.accepts("application/json"));
        assertFalse(all.accepts(""));
        assertTrue(all.accepts(OCI_MANIFEST));
    }

    /**
     * A tag record stored from an upstream HEAD without Content-Type has a null media type, and
     * CacheService filters records with {@code accept.accepts(record.mediaType())}.
     */
    @Test
    void acceptsNullMediaTypeIsFalse() {
        assertFalse(AcceptedTypes.current().accepts(null));
    }

    @Test
    void keyRoundTrips() {
        Set<String> keys = new java.util.HashSet<>();
        List<List<String>> samples = List.of(List.of(DOCKER_MANIFEST), List.of(OCI_INDEX), CURRENT,
                List.of(DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED), List.of(DOCKER_MANIFEST_LIST, OCI_MANIFEST));
        for (List<String> lines : samples) {
            AcceptedTypes t = AcceptedTypes.fromHeaders(lines);
            AcceptedTypes back = AcceptedTypes.fromKey(t.key());
            assertEquals(t, back);
            assertEquals(t.types(), back.types());
            assertTrue(t.key().matches("[0-9a-f]+"), t.key());
            keys.add(t.key());
        }
        assertEquals(samples.size(), keys.size(), "distinct sets need distinct keys");
        assertNotEquals(AcceptedTypes.fromHeaders(List.of(DOCKER_MANIFEST)).key(), AcceptedTypes.current().key());
    }

    @Test
    void headerValueListsTypesInOfferOrder() {
        AcceptedTypes t = AcceptedTypes.fromHeaders(List.of(OCI_INDEX + ", " + DOCKER_MANIFEST));
        assertEquals(DOCKER_MANIFEST + ", " + OCI_INDEX, t.headerValue());
    }
}
