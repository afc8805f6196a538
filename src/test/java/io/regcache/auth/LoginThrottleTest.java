package io.regcache.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.config.SecurityConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    /** A clock the test moves. */
    static final class Manual extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void tooManyFailuresWithinTheWindowLockTheClientOutForAWhile() {
        Manual clock = new Manual();
        LoginThrottle t = new LoginThrottle(new SecurityConfig.Lockout(3, Duration.ofMinutes(1), Duration.ofMinutes(5)), clock);
        t.failed("a");
        t.failed("a");
        assertEquals(0, t.retryAfter("a"));
        t.failed("a");
        assertEquals(300, t.retryAfter("a"));
        assertEquals(0, t.retryAfter("b"), "others are not affected");
        clock.now = clock.now.plus(Duration.ofMinutes(5));
        assertEquals(0, t.retryAfter("a"), "the lock ends");
    }

    @Test
    void failuresSpreadBeyondTheWindowDoNotAddUp() {
        Manual clock = new Manual();
        LoginThrottle t = new LoginThrottle(new SecurityConfig.Lockout(3, Duration.ofMinutes(1), Duration.ofMinutes(5)), clock);
        for (int i = 0; i < 10; i++) {
            t.failed("a");
            clock.now = clock.now.plus(Duration.ofSeconds(40));
        }
        assertEquals(0, t.retryAfter("a"));
        t.failed("a");
        t.succeeded("a");
        t.failed("a");
        t.failed("a");
        assertEquals(0, t.retryAfter("a"), "a success starts the count anew");
        t.failed("a");
        assertTrue(t.retryAfter("a") > 0);
    }
}
