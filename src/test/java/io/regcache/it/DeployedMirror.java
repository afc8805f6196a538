package io.regcache.it;

import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A test class run against the packaged mirror, deployed once for the class into the container
 * under test. A subclass registers its {@link BeforeDeploy} with {@code @Order(1)}, so that its
 * upstreams run and its configuration is written before Arquillian deploys the WAR here
 * ({@code @Order(2)}).
 */
@RunAsClient
abstract class DeployedMirror {
    @RegisterExtension
    @Order(2)
    static final ArquillianExtension arquillian = new ArquillianExtension();

    /** The mirror's base URL, e.g. {@code http://127.0.0.1:40123/}. */
    @ArquillianResource
    URL mirror;

    @Deployment(testable = false)
    static WebArchive war() {
        return MirrorWar.packaged();
    }

    /** The mirror as a registry host, {@code host:port}, as clients name it in image references. */
    String mirrorHost() {
        return mirror.getHost() + ":" + mirror.getPort();
    }
}
