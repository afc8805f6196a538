package io.regcache.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengeTest {

    @Test
    void dockerHubBearer() {
        Challenge c = Challenge.parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:library/nginx:pull\"");
        assertTrue(c.isBearer());
        assertFalse(c.isBasic());
        assertEquals("bearer", c.scheme());
        assertEquals("https://auth.docker.io/token", c.realm());
        assertEquals("registry.docker.io", c.service());
        assertEquals("repository:library/nginx:pull", c.scope());
        assertEquals(3, c.params().size());
    }

    @Test
    void scopeWithCommasAndColonsStaysWhole() {
        Challenge c = Challenge.parse("Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\","
                + "scope=\"repository:samalba/my-app:pull,push\"");
        assertEquals("repository:samalba/my-app:pull,push", c.scope());
        assertEquals("registry.example.com", c.service());
        Challenge port = Challenge.parse("Bearer realm=\"https://r:5000/t\",scope=\"repository:host:5000/a/b:pull\"");
        assertEquals("repository:host:5000/a/b:pull", port.scope());
        assertEquals("https://r:5000/t", port.realm());
    }

    @Test
    void bearerWithoutScope() {
        Challenge c = Challenge.parse("Bearer realm=\"https://ghcr.io/token\",service=\"ghcr.io\"");
        assertEquals("ghcr.io", c.service());
        assertNull(c.scope());
    }

    @Test
    void basicRealm() {
        Challenge c = Challenge.parse("Basic realm=\"Registry Realm\"");
        assertTrue(c.isBasic());
        assertFalse(c.isBearer());
        assertEquals("Registry Realm", c.realm());
        Challenge ecr = Challenge.parse("Basic realm=\"https://1.dkr.ecr.us-east-1.amazonaws.com/\",service=\"ecr.amazonaws.com\"");
        assertEquals("ecr.amazonaws.com", ecr.service());
    }

    @Test
    void schemeIsCaseInsensitive() {
        assertTrue(Challenge.parse("BEARER realm=\"x\"").isBearer());
        assertTrue(Challenge.parse("basic realm=\"x\"").isBasic());
        assertEquals("x", Challenge.parse("Bearer Realm=\"x\"").realm());
    }

    @Test
    void escapedQuotesInQuotedValues() {
        Challenge c = Challenge.parse("Basic realm=\"say \\\"hi\\\", then \\\\ leave\",service=\"s\"");
        assertEquals("say \"hi\", then \\ leave", c.realm());
        assertEquals("s", c.service());
    }

    @Test
    void extraSpacesBetweenParameters() {
        Challenge c = Challenge.parse("  Bearer   realm=\"https://a/t\" ,  service=\"svc\" ,scope=\"repository:x:pull\"  ");
        assertTrue(c.isBearer());
        assertEquals(Map.of("realm", "https://a/t", "service", "svc", "scope", "repository:x:pull"), c.params());
    }

    /** RFC 9110 11.2: auth-param = token BWS "=" BWS ( token / quoted-string ). */
    @Test
    void spacesAroundEqualsSign() {
        Challenge c = Challenge.parse("Bearer realm = \"https://a/t\", service= \"svc\"");
        assertEquals("https://a/t", c.realm());
        assertEquals("svc", c.service());
    }

    @Test
    void unquotedTokenValues() {
        Challenge c = Challenge.parse("Bearer realm=https://a/t,service=svc");
        assertEquals("https://a/t", c.realm());
        assertEquals("svc", c.service());
    }

    @Test
    void unknownScheme() {
        Challenge c = Challenge.parse("Negotiate YIIBhwYGKwYBBQUCoIIBezCCAXeg");
        assertEquals("negotiate", c.scheme());
        assertFalse(c.isBearer());
        assertFalse(c.isBasic());
        assertNull(c.realm());
        Challenge d = Challenge.parse("Digest realm=\"r\", nonce=\"n\"");
        assertFalse(d.isBearer());
        assertFalse(d.isBasic());
        assertEquals("r", d.realm());
    }

    @Test
    void schemeWithoutParameters() {
        Challenge c = Challenge.parse("Basic");
        assertTrue(c.isBasic());
        assertTrue(c.params().isEmpty());
    }

    @Test
    void noHeader() {
        assertNull(Challenge.parse(null));
        assertNull(Challenge.parse(""));
        assertNull(Challenge.parse("   "));
    }

    @Test
    void unterminatedQuoteDoesNotLoop() {
        Challenge c = Challenge.parse("Bearer realm=\"https://a/t");
        assertEquals("https://a/t", c.realm());
    }
}
