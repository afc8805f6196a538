package io.regcache.it;

import io.regcache.it.support.Closer;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class's setup before Arquillian deploys the mirror (register it with a lower
 * {@code @Order} than the ArquillianExtension): upstreams must be running and the mirror's
 * configuration written before the WAR starts. Closes what the setup registered, in reverse, and
 * deletes the configuration file ({@link MirrorYaml#uninstall()}).
 */
public final class BeforeDeploy implements BeforeAllCallback, AfterAllCallback {
    @FunctionalInterface
    public interface Setup {
        void run() throws Exception;
    }

    private final Setup setup;
    private final Closer resources = new Closer();

    private BeforeDeploy(Setup setup) {
        this.setup = setup;
    }

    public static BeforeDeploy run(Setup setup) {
        return new BeforeDeploy(setup);
    }

    /** A new temp directory, deleted after the class's tests. */
    public Path tempDir(String prefix) {
        return resources.tempDir(prefix);
    }

    /** Registers something to close after the class's tests. */
    public <T extends AutoCloseable> T closeLater(T resource) {
        return resources.add(resource);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        setup.run();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            resources.close();
        } finally {
            MirrorYaml.uninstall();
        }
    }
}
