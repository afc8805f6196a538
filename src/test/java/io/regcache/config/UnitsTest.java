package io.regcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void durationsAreReadTheWayTheReferenceRegistryWritesThem() {
        assertEquals(Duration.ofHours(168), Units.duration("168h"));
        assertEquals(Duration.ofMinutes(90), Units.duration("1h30m"));
        assertEquals(Duration.ofMillis(500), Units.duration("500ms"));
        assertEquals(Duration.ofSeconds(10), Units.duration(" 10s "));
        assertEquals(Duration.ofDays(7), Units.duration("7d"));
        assertEquals(Duration.ofMillis(1500), Units.duration("1.5s"));
        assertEquals(Duration.ZERO, Units.duration("0"));
        assertEquals(Duration.ZERO, Units.duration("0s"));
    }

    @Test
    void malformedDurationsAreRefused() {
        for (String bad : new String[] {"", "h", "10", "10x", "1h 30m", "-1h", "10s5"}) {
            assertThrows(IllegalArgumentException.class, () -> Units.duration(bad), bad);
        }
    }

    @Test
    void sizesTakeDecimalAndBinaryUnits() {
        assertEquals(1_073_741_824L, Units.size("1073741824"));
        assertEquals(50L * 1024 * 1024 * 1024, Units.size("50GiB"));
        assertEquals(500_000_000L, Units.size("500MB"));
        assertEquals(2L * 1024 * 1024, Units.size("2 MiB"));
        assertEquals(1536L, Units.size("1.5KiB"));
        assertEquals(3_000_000_000_000L, Units.size("3TB"));
        assertThrows(IllegalArgumentException.class, () -> Units.size("lots"));
        assertThrows(IllegalArgumentException.class, () -> Units.size("5 parsecs"));
    }
}
