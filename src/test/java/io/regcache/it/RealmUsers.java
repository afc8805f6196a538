package io.regcache.it;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The users of the test realm: src/test/resources/regcache.properties for Jetty (wired in
 * arquillian.xml), src/test/resources/tomcat-users.xml for Tomcat (wired by {@link MirrorWar}).
 */
public final class RealmUsers {
    /** registry-pull */
    public static final String PULLER = "puller:puller-pass";
    /** registry-pull, registry-private */
    public static final String INSIDER = "insider:insider-pass";
    /** registry-admin */
    public static final String ADMIN = "admin:admin-pass";

    private RealmUsers() {
    }

    /** An {@code Authorization} header value for {@code user:password}. */
    public static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }
}
