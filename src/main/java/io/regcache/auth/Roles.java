package io.regcache.auth;

import java.util.List;

/** The roles the mirror knows (declared in web.xml); users and their roles live in the container's realm. */
public final class Roles {
    /** May pull at all when anonymous access is off. */
    public static final String PULL = "registry-pull";
    /** May receive content the upstream serves only with the mirror's account. */
    public static final String PRIVATE = "registry-private";
    /** May use the admin features. */
    public static final String ADMIN = "registry-admin";

    public static final List<String> ALL = List.of(PULL, PRIVATE, ADMIN);

    private Roles() {
    }
}
