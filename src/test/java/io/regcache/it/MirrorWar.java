package io.regcache.it;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR that {@code mvn package} built, deployed as ROOT.war: tests exercise what users deploy. */
public final class MirrorWar {
    private MirrorWar() {
    }

    public static WebArchive packaged() {
        File war = new File(System.getProperty("regcache.war", "target/regcache.war"));
        if (!war.isFile()) {
            throw new IllegalStateException(war + " is missing: run the tests with `mvn verify`, which packages it first");
        }
        WebArchive archive = ShrinkWrap.create(ZipImporter.class, "ROOT.war").importFrom(war).as(WebArchive.class);
        if (ContainerUnderTest.tomcat()) {
            archive.addAsManifestResource(new StringAsset(tomcatRealm()), "context.xml");
        }
        return archive;
    }

    /**
     * The one addition for Tomcat: the test users. Jetty's adapter takes a realm file
     * (arquillian.xml), Tomcat's has no such option, and its embedded server has no
     * conf/tomcat-users.xml; so the test deployment carries a META-INF/context.xml whose
     * MemoryRealm reads src/test/resources/tomcat-users.xml. The product WAR declares no realm:
     * in production users come from the container (conf/tomcat-users.xml, LDAP, ...).
     */
    private static String tomcatRealm() {
        URL users = MirrorWar.class.getResource("/tomcat-users.xml");
        if (users == null) {
            throw new IllegalStateException("tomcat-users.xml is missing from the test classpath");
        }
        try {
            String path = Path.of(users.toURI()).toString();
            return "<Context>\n  <Realm className=\"org.apache.catalina.realm.MemoryRealm\" pathname=\""
                    + path.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;") + "\"/>\n</Context>\n";
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
