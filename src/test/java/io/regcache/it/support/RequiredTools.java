package io.regcache.it.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Guards tests that need external programs. Locally a missing tool skips the test (with a loud
 * warning, so nobody mistakes a skip for a pass); with {@code REGCACHE_REQUIRE_TOOLS=1}, as CI
 * sets it, a missing tool fails the test.
 */
public final class RequiredTools {
    public static final String REQUIRE_ENV = "REGCACHE_REQUIRE_TOOLS";

    private RequiredTools() {
    }

    public static void require(String... tools) {
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
            if (find(tool).isEmpty()) {
                missing.add(tool);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String list = String.join(", ", missing);
        if ("1".equals(System.getenv(REQUIRE_ENV))) {
            Assertions.fail("Required tool(s) missing from PATH: " + list + " (" + REQUIRE_ENV
                    + "=1, so this is a failure, not a skip). Install the Debian packages that provide them.");
        }
        String bar = "!".repeat(78);
        System.err.println(String.join("\n",
                bar,
                "!!! INTEGRATION TEST SKIPPED: missing tool(s) on PATH: " + list,
                "!!! The test did NOT run. Install the tool(s) (e.g. apt-get install skopeo",
                "!!! docker-registry containerd nginx) to run it; CI sets " + REQUIRE_ENV + "=1 and fails instead.",
                bar));
        Assumptions.abort("missing tool(s) on PATH: " + list);
    }

    /** The absolute path of an executable on PATH, if any. */
    public static Optional<Path> find(String tool) {
        if (tool.contains("/")) {
            Path p = Path.of(tool);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, tool);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
