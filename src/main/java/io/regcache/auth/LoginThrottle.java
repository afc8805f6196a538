package io.regcache.auth;

import io.regcache.config.SecurityConfig;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: a client with too many failed logins within a window is turned
 * away for a while. (Tomcat's LockOutRealm does the same per user name; this works per client
 * address in every container.)
 */
public final class LoginThrottle {
    private static final int MAX_TRACKED = 100_000;

    private final SecurityConfig.Lockout policy;
    private final Clock clock;
    private final ConcurrentHashMap<String, Deque<Long>> failures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> lockedUntil = new ConcurrentHashMap<>();

    public LoginThrottle(SecurityConfig.Lockout policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /** Seconds until the client may try again, or 0 when it may now. */
    public long retryAfter(String client) {
        Long until = lockedUntil.get(client);
        if (until == null) {
            return 0;
        }
        long left = until - clock.millis();
        if (left <= 0) {
            lockedUntil.remove(client, until);
            return 0;
        }
        return (left + 999) / 1000;
    }

    public void failed(String client) {
        if (policy.attempts() <= 0) {
            return;
        }
        long now = clock.millis();
        if (failures.size() > MAX_TRACKED) {
            failures.clear(); // under a flood of addresses, forget rather than grow without bound
        }
        Deque<Long> times = failures.computeIfAbsent(client, c -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(now);
            while (!times.isEmpty() && now - times.peekFirst() > policy.window().toMillis()) {
                times.removeFirst();
            }
            if (times.size() >= policy.attempts()) {
                lockedUntil.put(client, now + policy.duration().toMillis());
                times.clear();
            }
        }
    }

    public void succeeded(String client) {
        failures.remove(client);
    }
}
