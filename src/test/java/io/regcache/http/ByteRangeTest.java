package io.regcache.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRangeTest {

    private static ByteRange.Span span(String header, long size) {
        return ByteRange.parse(header).resolve(size);
    }

    @Test
    void noHeaderNoRange() {
        assertNull(ByteRange.parse(null));
    }

    @Test
    void closedRange() {
        ByteRange.Span s = span("bytes=0-9", 100);
        assertEquals(new ByteRange.Span(0, 9), s);
        assertEquals(10, s.length());
        assertEquals("bytes 0-9/100", s.contentRange(100));
    }

    @Test
    void openEndedRange() {
        ByteRange.Span s = span("bytes=5-", 100);
        assertEquals(new ByteRange.Span(5, 99), s);
        assertEquals(95, s.length());
        assertEquals("bytes 5-99/100", s.contentRange(100));
    }

    @Test
    void suffixRange() {
        assertEquals(new ByteRange.Span(97, 99), span("bytes=-3", 100));
        // a suffix longer than the blob is the whole blob
        assertEquals(new ByteRange.Span(0, 1), span("bytes=-3", 2));
    }

    @Test
    void lastBytePositionCounts() {
        assertEquals(new ByteRange.Span(99, 99), span("bytes=99-", 100));
        assertEquals(new ByteRange.Span(99, 99), span("bytes=99-99", 100));
        assertEquals(1, span("bytes=0-0", 100).length());
    }

    @Test
    void endBeyondSizeIsClamped() {
        assertEquals(new ByteRange.Span(10, 99), span("bytes=10-5000", 100));
        assertEquals(new ByteRange.Span(0, 99), span("bytes=0-999999999999999999", 100));
    }

    @Test
    void spacesAreTolerated() {
        assertEquals(new ByteRange.Span(0, 9), span("bytes= 0 - 9", 100));
    }

    private static void assertUnsatisfiable(String header, long size) {
        ByteRange parsed = ByteRange.parse(header);
        RegistryException e = assertThrows(RegistryException.class, () -> parsed.resolve(size));
        assertEquals(416, e.status());
        assertEquals(ErrorCode.RANGE_INVALID, e.code());
        assertEquals(Map.of("Content-Range", "bytes */" + size), e.headers());
    }

    @Test
    void startBeyondSizeIs416WithContentRange() {
        assertUnsatisfiable("bytes=100-", 100);
        assertUnsatisfiable("bytes=150-200", 100);
        assertUnsatisfiable("bytes=0-", 0);
    }

    @Test
    void emptySuffixIs416() {
        assertUnsatisfiable("bytes=-0", 100);
        assertUnsatisfiable("bytes=-5", 0);
    }

    @Test
    void multipleRangesAre416() {
        assertUnsatisfiable("bytes=0-1,5-6", 100);
        assertUnsatisfiable("bytes=0-1, 3-4, 7-", 100);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "bytes=x", "items=0-1", "bytes=5-1", "bytes=-", "bytes=", "bytes", "0-9", "bytes=0-9x", "bytes=1.5-3",
            "bytes=-1-2", "bytes=123456789012345678901234567890-", "bytes=0-123456789012345678901234567890",
    })
    void malformedIs400(String header) {
        RegistryException e = assertThrows(RegistryException.class, () -> ByteRange.parse(header));
        assertEquals(400, e.status());
        assertEquals(ErrorCode.RANGE_INVALID, e.code());
    }

    @Test
    void overlongHeaderIs400() {
        String header = "bytes=" + "0-1,".repeat(74) + "0-1"; // 305 characters, would otherwise be "multiple"
        assertEquals(305, header.length());
        RegistryException e = assertThrows(RegistryException.class, () -> ByteRange.parse(header));
        assertEquals(400, e.status());
        assertEquals(ErrorCode.RANGE_INVALID, e.code());
        String digits = "bytes=" + "0".repeat(294);
        assertEquals(400, assertThrows(RegistryException.class, () -> ByteRange.parse(digits)).status());
    }
}
