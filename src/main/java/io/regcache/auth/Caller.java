package io.regcache.auth;

import io.regcache.config.SecurityConfig;
import io.regcache.oci.Access;
import java.util.Set;

/**
 * Who is asking: a realm user (by Basic credentials or by one of the mirror's tokens) with the
 * mirror's roles it holds, or an anonymous client. {@code scopes} is null unless the caller
 * presented a token, which then limits it to those repositories.
 */
public record Caller(String name, Set<String> roles, Set<String> scopes) {
    public static final String ATTRIBUTE = Caller.class.getName();
    /** Request attribute: the client's address as the mirror sees it (behind trusted proxies, the real client). */
    public static final String CLIENT_ATTRIBUTE = Caller.class.getName() + ".client";
    public static final Caller ANONYMOUS = new Caller(null, Set.of(), null);

    public boolean isAnonymous() {
        return name == null;
    }

    /** May this caller pull at all? Anyone when anonymous pulls are allowed, else only holders of a role. */
    public boolean mayPull(SecurityConfig security) {
        if (security.anonymous() == SecurityConfig.AnonymousAccess.PUBLIC) {
            return true;
        }
        return roles.contains(Roles.PULL) || roles.contains(Roles.PRIVATE);
    }

    /** The upstream access this caller's pulls use: the mirror's account only for registry-private. */
    public Access access() {
        return roles.contains(Roles.PRIVATE) ? Access.ACCOUNT : Access.ANONYMOUS;
    }

    public boolean isAdmin() {
        return roles.contains(Roles.ADMIN);
    }

    /** Whether a token this caller presented covers pulling {@code repository} (no token: not limited). */
    public boolean mayPullRepository(String repository) {
        return scopes == null || scopes.contains(repository) || scopes.contains("*");
    }

    @Override
    public String toString() {
        return isAnonymous() ? "anonymous" : name + roles;
    }
}
