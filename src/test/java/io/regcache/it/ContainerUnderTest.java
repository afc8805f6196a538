package io.regcache.it;

/**
 * Which embedded servlet container the Arquillian integration tests deploy the mirror into: the
 * container qualifier of {@code arquillian.xml} that the build selects with
 * {@code -Darquillian.launch=jetty|tomcat} (one failsafe execution each; see pom.xml).
 */
public final class ContainerUnderTest {
    public static final String LAUNCH = "arquillian.launch";

    private ContainerUnderTest() {
    }

    /** True when the tests deploy into embedded Tomcat, false for embedded Jetty (the default). */
    public static boolean tomcat() {
        return "tomcat".equals(System.getProperty(LAUNCH));
    }
}
