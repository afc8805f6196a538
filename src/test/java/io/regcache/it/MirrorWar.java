package io.regcache.it;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
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
        return ShrinkWrap.create(ZipImporter.class, "ROOT.war").importFrom(war).as(WebArchive.class);
    }
}
