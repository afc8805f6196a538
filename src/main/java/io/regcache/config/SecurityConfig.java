package io.regcache.config;

import java.time.Duration;
import java.util.List;

/**
 * Who may pull, and how the edge is guarded. Users and roles are the servlet container's business;
 * this only says what anonymous clients may do and how the mirror's own tokens are made.
 *
 * @param anonymous      what clients without credentials may pull
 * @param rejectedAsAnonymous credentials the realm rejects count as anonymous instead of failing
 *                       (Docker's registry-mirrors sends the user's Docker Hub credentials to a mirror)
 * @param tokenKey       the key that signs the mirror's pull tokens; replicas sharing it accept each other's tokens
 * @param tokenLifetime  how long a pull token is valid
 * @param service        the service name in challenges and tokens
 * @param externalUrl    the mirror's URL as clients see it, when a proxy in front cannot tell (null: from the request)
 * @param allow          client networks allowed at all (empty: everyone)
 * @param trustedProxies proxies whose X-Forwarded-For / Forwarded headers are believed
 * @param lockout        failed logins tolerated per client before it is turned away for a while
 */
public record SecurityConfig(AnonymousAccess anonymous, boolean rejectedAsAnonymous, byte[] tokenKey,
                             Duration tokenLifetime, String service, String externalUrl, List<Cidr> allow,
                             List<Cidr> trustedProxies, Lockout lockout) {

    public enum AnonymousAccess {
        /** Anonymous clients pull what the upstream serves without an account. */
        PUBLIC,
        /** Every pull needs the role registry-pull. */
        NONE
    }

    /** After {@code attempts} failed logins within {@code window}, a client is refused for {@code duration}. */
    public record Lockout(int attempts, Duration window, Duration duration) {
    }

    @Override
    public String toString() {
        return "SecurityConfig[anonymous=" + anonymous + ", rejectedAsAnonymous=" + rejectedAsAnonymous
                + ", tokenLifetime=" + tokenLifetime + ", service=" + service + ", allow=" + allow
                + ", trustedProxies=" + trustedProxies + "]"; // never the key
    }
}
