package io.regcache.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks an integration test that deploys nothing through Arquillian (it starts its own servers,
 * e.g. the jetty-base in a child JVM): it does not depend on the embedded container under test, so
 * the build runs it once, in the Jetty execution, and the Tomcat execution excludes the tag.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(Standalone.TAG)
public @interface Standalone {
    String TAG = "standalone";
}
