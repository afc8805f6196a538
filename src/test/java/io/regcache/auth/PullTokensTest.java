package io.regcache.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.config.SecurityConfig;
import io.regcache.oci.Access;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PullTokensTest {
    static SecurityConfig withKey(byte key) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, key);
        return new SecurityConfig(SecurityConfig.AnonymousAccess.PUBLIC, false, k, Duration.ofMinutes(5), "regcache",
                null, List.of(), List.of(), new SecurityConfig.Lockout(5, Duration.ofMinutes(1), Duration.ofMinutes(1)));
    }

    @Test
    void aTokenCarriesItsCallerRolesAndRepositories() {
        PullTokens tokens = new PullTokens(withKey((byte) 1), Clock.systemUTC());
        Caller alice = new Caller("alice", Set.of(Roles.PULL, Roles.PRIVATE), null);
        PullTokens.Issued t = tokens.issue(alice, Set.of("private/app", "library/alpine"));
        assertEquals(300, t.expiresIn());
        Caller back = tokens.verify(t.token()).orElseThrow();
        assertEquals("alice", back.name());
        assertEquals(Access.ACCOUNT, back.access());
        assertTrue(back.mayPullRepository("private/app"));
        assertFalse(back.mayPullRepository("private/other"));
        Caller anon = tokens.verify(tokens.issue(Caller.ANONYMOUS, Set.of("library/alpine")).token()).orElseThrow();
        assertTrue(anon.isAnonymous());
        assertEquals(Access.ANONYMOUS, anon.access());
    }

    @Test
    void replicasSharingTheKeyAcceptEachOthersTokensAndNoOneElsesAre() {
        PullTokens a = new PullTokens(withKey((byte) 7), Clock.systemUTC());
        PullTokens b = new PullTokens(withKey((byte) 7), Clock.systemUTC());
        PullTokens other = new PullTokens(withKey((byte) 8), Clock.systemUTC());
        String token = a.issue(new Caller("bob", Set.of(Roles.PULL), null), Set.of("x/y")).token();
        assertTrue(b.verify(token).isPresent());
        assertTrue(other.verify(token).isEmpty());
        assertTrue(a.verify(token + "x").isEmpty());
        assertTrue(a.verify("not.a.token").isEmpty());
        assertTrue(a.verify("eyJhbGciOiJub25lIn0.eyJzdWIiOiJib2IifQ.").isEmpty(), "unsigned (alg none) tokens are refused");
    }

    @Test
    void expiredTokensAreRefused() {
        Instant issued = Instant.parse("2026-01-01T00:00:00Z");
        PullTokens then = new PullTokens(withKey((byte) 3), Clock.fixed(issued, ZoneOffset.UTC));
        String token = then.issue(Caller.ANONYMOUS, Set.of("a/b")).token();
        PullTokens later = new PullTokens(withKey((byte) 3), Clock.fixed(issued.plus(Duration.ofMinutes(6)), ZoneOffset.UTC));
        assertTrue(later.verify(token).isEmpty());
        PullTokens soon = new PullTokens(withKey((byte) 3), Clock.fixed(issued.plus(Duration.ofMinutes(4)), ZoneOffset.UTC));
        assertTrue(soon.verify(token).isPresent());
    }
}
