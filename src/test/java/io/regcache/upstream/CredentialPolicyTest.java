package io.regcache.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class CredentialPolicyTest {

    private static boolean may(String upstream, String target) {
        return CredentialPolicy.mayReceive(URI.create(upstream), URI.create(target));
    }

    @Test
    void sameHost() {
        assertTrue(may("https://ghcr.io", "https://ghcr.io/token"));
        assertTrue(may("https://GHCR.io", "https://ghcr.IO/token"));
        assertTrue(may("https://quay.io", "https://quay.io:8443/v2/auth"));
    }

    @Test
    void dockerHubTokenRealm() {
        assertTrue(may("https://registry-1.docker.io", "https://auth.docker.io/token"));
        assertTrue(may("https://registry-1.docker.io", "https://docker.io/token"));
    }

    @Test
    void otherDomainGetsNothing() {
        assertFalse(may("https://registry-1.docker.io", "https://auth.evil.io/token"));
        assertFalse(may("https://registry-1.docker.io", "https://docker.io.evil.com/token"));
        assertFalse(may("https://registry-1.docker.io", "https://notdocker.io/token"));
        assertFalse(may("https://ghcr.io", "https://github.com/token"));
    }

    @Test
    void noDowngradeFromHttpsToHttp() {
        assertFalse(may("https://registry-1.docker.io", "http://auth.docker.io/token"));
        assertFalse(may("https://ghcr.io", "http://ghcr.io/token"));
    }

    @Test
    void plainHttpUpstreamMayUseEither() {
        assertTrue(may("http://registry.internal", "http://registry.internal/token"));
        assertTrue(may("http://registry.internal", "https://registry.internal/token"));
    }

    @Test
    void ipLiteralsOnlyExact() {
        assertTrue(may("http://10.0.0.5:5000", "http://10.0.0.5:5001/token"));
        assertFalse(may("http://10.0.0.5:5000", "http://10.0.0.6/token"));
        assertFalse(may("http://10.0.0.5", "http://0.5/token"));
        assertFalse(may("http://127.0.0.1:5000", "http://localhost:5000/token"));
        assertTrue(may("http://[::1]:5000", "http://[::1]:6000/token"));
        assertFalse(may("http://[::1]:5000", "http://[::2]:5000/token"));
        assertNull(CredentialPolicy.registrableDomain("10.0.0.5"));
        assertNull(CredentialPolicy.registrableDomain("[::1]"));
    }

    @Test
    void countryCodeSecondLevelDomains() {
        assertEquals("x.co.uk", CredentialPolicy.registrableDomain("registry.x.co.uk"));
        assertEquals("x.co.uk", CredentialPolicy.registrableDomain("x.co.uk"));
        assertTrue(may("https://registry.x.co.uk", "https://auth.x.co.uk/token"));
        assertTrue(may("https://x.co.uk", "https://auth.x.co.uk/token"));
        assertFalse(may("https://registry.x.co.uk", "https://auth.y.co.uk/token"));
        assertFalse(may("https://x.co.uk", "https://y.co.uk/token"));
    }

    @Test
    void registrableDomainOfPlainNames() {
        assertEquals("docker.io", CredentialPolicy.registrableDomain("registry-1.docker.io"));
        assertEquals("example.com", CredentialPolicy.registrableDomain("a.b.example.com"));
        assertNull(CredentialPolicy.registrableDomain("localhost"));
        assertFalse(may("http://localhost:5000", "http://otherhost/token"));
    }

    @Test
    void relativeOrHostlessTargetGetsNothing() {
        assertFalse(may("https://ghcr.io", "/token"));
    }
}
