package io.regcache.it;

import io.regcache.it.support.FreePort;
import io.regcache.it.support.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Prepares the integration-test JVM before any test runs, and cleans up after the last
 * (a JUnit {@link LauncherSessionListener}, registered in META-INF/services):
 *
 * <ul>
 * <li>The Tomcat adapter's port. That adapter binds the port its configuration names and reports
 * that number as the deployment's URL ({@code bindHttpPort=0} would make the URL say port 0), so
 * arquillian.xml reads {@code ${regcache.tomcat.port}}, set here to a free port, unless given.
 * <li>A temp directory of this build's own. The build starts the JVM with
 * {@code -Djava.io.tmpdir=<dir>} and {@code -Dregcache.it.tmpdir=<dir>}; the directory is created
 * here and deleted when the session closes. The Jetty adapter exports every deployment to
 * {@code <java.io.tmpdir>/ROOT.war}, so builds running at once on one machine (work trees side by
 * side) would overwrite each other's WAR; and both adapters leave their unpacked WARs behind.
 * </ul>
 */
public final class ItSession implements LauncherSessionListener {
    public static final String TOMCAT_PORT = "regcache.tomcat.port";
    public static final String TMPDIR = "regcache.it.tmpdir";

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Path tmp = ownTempDir();
        if (tmp != null) {
            try {
                Files.createDirectories(tmp);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (ContainerUnderTest.tomcat() && System.getProperty(TOMCAT_PORT) == null) {
            System.setProperty(TOMCAT_PORT, String.valueOf(FreePort.find()));
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        Path tmp = ownTempDir();
        if (tmp != null) {
            TempDirs.deleteQuietly(tmp);
        }
    }

    /** The build's temp dir when this JVM was started with it as java.io.tmpdir, else null. */
    private static Path ownTempDir() {
        String own = System.getProperty(TMPDIR);
        if (own == null || own.isBlank() || !own.equals(System.getProperty("java.io.tmpdir"))) {
            return null;
        }
        Path dir = Path.of(own).toAbsolutePath().normalize();
        return dir.getFileName() != null && dir.getFileName().toString().startsWith("regcache-it-") ? dir : null;
    }
}
