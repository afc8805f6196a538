package io.regcache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regcache.config.UpstreamConfig;
import io.regcache.metrics.Telemetry;
import io.regcache.upstream.Upstreams;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthCheckTest {
    @TempDir
    Path root;

    private static Upstreams unreachable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        return new Upstreams(List.of(new UpstreamConfig("docker.io", List.of(), URI.create("http://127.0.0.1:" + port),
                null, null, true, List.of())), Duration.ofSeconds(2), Telemetry.NONE);
    }

    @Test
    void anUnreachableUpstreamDegradesButDoesNotTakeTheMirrorDown() throws IOException {
        Files.createDirectories(root.resolve("tmp"));
        HealthCheck.Health h = new HealthCheck(root, unreachable(), Clock.systemUTC()).check();
        assertTrue(h.storageWritable());
        assertFalse(h.upstreamsReachable().get("docker.io"));
        assertEquals("DEGRADED", h.status());
    }

    @Test
    void storageThatCannotBeWrittenIsDown() throws IOException {
        // even root cannot create files in /proc
        HealthCheck.Health h = new HealthCheck(Path.of("/proc/self"), unreachable(), Clock.systemUTC()).check();
        assertFalse(h.storageWritable());
        assertEquals("DOWN", h.status());
    }
}
