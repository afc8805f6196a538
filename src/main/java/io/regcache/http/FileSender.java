package io.regcache.http;

import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends a region of a verified file without copying it through the Java heap, where the
 * container allows: its output stream's {@code write(ByteBuffer)} (Jetty 12's HttpOutput, Tomcat's
 * CoyoteOutputStream; standard only from Servlet 6.1) takes memory-mapped slices, so the kernel
 * copies from the page cache straight into the socket. Elsewhere the caller copies as usual.
 */
final class FileSender {
    /** Mapped in slices: bounded address-space use per transfer, and progress visible to the container. */
    private static final long SLICE = 8L * 1024 * 1024;
    private static final ConcurrentHashMap<Class<?>, Method> WRITERS = new ConcurrentHashMap<>();
    private static final Method NONE;

    static {
        try {
            NONE = Object.class.getMethod("hashCode");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private FileSender() {
    }

    /** True when the container's stream accepts ByteBuffers. */
    static boolean supports(ServletOutputStream out) {
        return writer(out) != NONE;
    }

    /** Writes {@code length} bytes of {@code file} from {@code offset}; the stream must {@link #supports} it. */
    static void send(ServletOutputStream out, Path file, long offset, long length) throws IOException {
        Method write = writer(out);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = offset;
            long end = offset + length;
            while (pos < end) {
                long n = Math.min(SLICE, end - pos);
                MappedByteBuffer slice = ch.map(FileChannel.MapMode.READ_ONLY, pos, n);
                try {
                    write.invoke(out, slice);
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw new IOException(e.getCause());
                } catch (IllegalAccessException e) {
                    throw new IOException(e);
                }
                pos += n;
            }
        }
    }

    private static Method writer(ServletOutputStream out) {
        return WRITERS.computeIfAbsent(out.getClass(), c -> {
            try {
                Method m = c.getMethod("write", ByteBuffer.class);
                m.setAccessible(true);
                return m;
            } catch (NoSuchMethodException | RuntimeException e) {
                return NONE;
            }
        });
    }
}
