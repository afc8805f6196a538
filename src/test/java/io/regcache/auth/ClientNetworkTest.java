package io.regcache.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.config.Cidr;
import io.regcache.config.SecurityConfig;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientNetworkTest {
    static SecurityConfig security(List<String> allow, List<String> trusted, String externalUrl) {
        return new SecurityConfig(SecurityConfig.AnonymousAccess.PUBLIC, false, new byte[32], Duration.ofMinutes(5), "regcache",
                externalUrl, allow.stream().map(Cidr::parse).toList(), trusted.stream().map(Cidr::parse).toList(),
                new SecurityConfig.Lockout(5, Duration.ofMinutes(1), Duration.ofMinutes(1)));
    }

    @Test
    void forwardedForIsIgnoredFromUntrustedPeers() {
        ClientNetwork net = new ClientNetwork(security(List.of(), List.of("10.0.0.1/32"), null));
        InetAddress c = net.clientOf(FakeRequest.of("192.0.2.9", Map.of("X-Forwarded-For", "10.9.9.9")));
        assertEquals("192.0.2.9", c.getHostAddress(), "a client cannot pick its own address");
    }

    @Test
    void behindTrustedProxiesTheNearestUntrustedHopIsTheClient() {
        ClientNetwork net = new ClientNetwork(security(List.of(), List.of("10.0.0.0/24"), null));
        InetAddress c = net.clientOf(FakeRequest.of("10.0.0.1", Map.of("X-Forwarded-For", "1.2.3.4, 203.0.113.7, 10.0.0.2")));
        assertEquals("203.0.113.7", c.getHostAddress(), "the leftmost value can be forged by the client; the rightmost untrusted hop cannot");
        InetAddress f = net.clientOf(FakeRequest.of("10.0.0.1", Map.of("Forwarded", "for=198.51.100.3;proto=https")));
        assertEquals("198.51.100.3", f.getHostAddress());
        InetAddress junk = net.clientOf(FakeRequest.of("10.0.0.1", Map.of("X-Forwarded-For", "not-an-ip")));
        assertEquals("10.0.0.1", junk.getHostAddress(), "no DNS lookups, no surprises");
    }

    @Test
    void theAllowListAdmitsOnlyItsNetworks() {
        ClientNetwork net = new ClientNetwork(security(List.of("10.0.0.0/8", "2001:db8::/32"), List.of(), null));
        assertTrue(net.allowed(ClientNetwork.parse("10.20.30.40")));
        assertTrue(net.allowed(ClientNetwork.parse("2001:db8::1")));
        assertFalse(net.allowed(ClientNetwork.parse("11.0.0.1")));
        assertFalse(net.allowed(ClientNetwork.parse("127.0.0.1")));
        assertFalse(net.allowed(null));
        assertTrue(new ClientNetwork(security(List.of(), List.of(), null)).allowed(ClientNetwork.parse("8.8.8.8")), "no list: everyone");
    }

    @Test
    void theExternalUrlFollowsTrustedProxiesOnly() {
        Map<String, String> fwd = Map.of("X-Forwarded-Proto", "https", "X-Forwarded-Host", "mirror.example.com");
        ClientNetwork trusting = new ClientNetwork(security(List.of(), List.of("127.0.0.1/32"), null));
        assertEquals("https://mirror.example.com", trusting.externalUrl(FakeRequest.of("127.0.0.1", fwd)));
        assertEquals("http://mirror.internal:8080", trusting.externalUrl(FakeRequest.of("192.0.2.1", fwd)), "untrusted: ignored");
        assertEquals("https://mirror.example.com:8443", trusting.externalUrl(FakeRequest.of("127.0.0.1",
                Map.of("X-Forwarded-Proto", "https", "X-Forwarded-Host", "mirror.example.com", "X-Forwarded-Port", "8443"))));
        assertEquals("https://m.example.org", trusting.externalUrl(FakeRequest.of("127.0.0.1",
                Map.of("Forwarded", "for=1.2.3.4;proto=https;host=m.example.org"))));
        assertEquals("http://mirror.internal:8080", trusting.externalUrl(FakeRequest.of("127.0.0.1",
                Map.of("X-Forwarded-Host", "evil\"\r\nX: y"))), "a header value that is no host name is ignored");
        ClientNetwork fixed = new ClientNetwork(security(List.of(), List.of(), "https://registry.corp"));
        assertEquals("https://registry.corp", fixed.externalUrl(FakeRequest.of("192.0.2.1", fwd)));
        assertEquals("https://mirror.internal", new ClientNetwork(security(List.of(), List.of(), null))
                .externalUrl(FakeRequest.of("192.0.2.1", Map.of(), "https", "mirror.internal", 443)));
    }
}
