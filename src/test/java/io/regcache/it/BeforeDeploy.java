package io.regcache.it;

import io.regcache.it.support.TempDirs;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class's setup before Arquillian deploys the mirror (register it with a lower
 * {@code @Order} than the ArquillianExtension): upstreams must be running and the mirror's
 * configuration written before the WAR starts. Closes what the setup registered, in reverse.
 */
public final class BeforeDeploy implements BeforeAllCallback, AfterAllCallback {
    @FunctionalInterface
    public interface Setup {
        void run() throws Exception;
    }

    private final Setup setup;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    private BeforeDeploy(Setup setup) {
        this.setup = setup;
    }

    public static BeforeDeploy run(Setup setup) {
        return new BeforeDeploy(setup);
    }

    /** A new temp directory, deleted after the class's tests. */
    public Path tempDir(String prefix) {
        Path dir = TempDirs.create(prefix);
        closeLater(() -> TempDirs.deleteQuietly(dir));
        return dir;
    }

    /** Registers something to close after the class's tests. */
    public <T extends AutoCloseable> T closeLater(T resource) {
        resources.push(resource);
        return resource;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        setup.run();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Exception first = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        System.clearProperty(MirrorYaml.PROPERTY);
        if (first != null) {
            throw first;
        }
    }
}
