package io.regcache.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Streams a gzip-compressed tar layer holding one file of pseudo-random (incompressible) bytes.
 * Nothing is buffered beyond 64 KiB, so 256 MiB layers cost no heap.
 */
final class RandomLayer {
    private static final int BLOCK = 512;

    /** Digests and sizes of a written layer. */
    record Written(String digest, long size, String diffId) {
    }

    private RandomLayer() {
    }

    /**
     * Writes the layer to {@code out} (not closed) and returns digest/size of the compressed
     * stream and the diff_id (digest of the uncompressed tar).
     */
    static Written write(OutputStream out, String fileName, long contentSize, long seed) throws IOException {
        MessageDigest compressedMd = Digests.newSha256();
        MessageDigest tarMd = Digests.newSha256();
        CountingOutputStream counted = new CountingOutputStream(out);
        DigestOutputStream compressed = new DigestOutputStream(counted, compressedMd);
        // Level 1: random data does not compress anyway, and the benchmark layers are large.
        GZIPOutputStream gz = new GZIPOutputStream(nonClosing(compressed), 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        };
        DigestOutputStream tar = new DigestOutputStream(gz, tarMd);

        tar.write(header("data/", 0, '5', 0755));
        tar.write(header("data/" + fileName, contentSize, '0', 0644));
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] buf = new byte[1 << 16];
        long left = contentSize;
        while (left > 0) {
            for (int i = 0; i < buf.length; i += 8) {
                long v = rnd.nextLong();
                for (int j = 0; j < 8; j++) {
                    buf[i + j] = (byte) (v >>> (8 * j));
                }
            }
            int n = (int) Math.min(buf.length, left);
            tar.write(buf, 0, n);
            left -= n;
        }
        long pad = (BLOCK - contentSize % BLOCK) % BLOCK;
        tar.write(new byte[(int) pad]);
        tar.write(new byte[2 * BLOCK]); // end-of-archive marker
        tar.flush();
        gz.finish();
        compressed.flush();
        return new Written(Digests.format(compressedMd.digest()), counted.count, Digests.format(tarMd.digest()));
    }

    /** A POSIX ustar header. */
    private static byte[] header(String name, long size, char type, int mode) {
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, name);
        put(h, 100, 8, octal(mode, 7));
        put(h, 108, 8, octal(0, 7));
        put(h, 116, 8, octal(0, 7));
        put(h, 124, 12, octal(size, 11));
        put(h, 136, 12, octal(1700000000L, 11)); // fixed mtime: same seed, same bytes
        h[156] = (byte) type;
        put(h, 257, 6, "ustar");
        put(h, 263, 2, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, 8, octal(sum, 6) + "\0 ");
        return h;
    }

    private static String octal(long v, int width) {
        String s = Long.toOctalString(v);
        if (s.length() > width) {
            throw new IllegalArgumentException("value too large for tar header: " + v);
        }
        return "0".repeat(width - s.length()) + s;
    }

    private static void put(byte[] h, int off, int len, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, Math.min(len, b.length));
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
