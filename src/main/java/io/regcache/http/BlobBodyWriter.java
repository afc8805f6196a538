package io.regcache.http;

import io.regcache.cache.ClientGoneException;
import io.regcache.cache.RegionSink;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.logging.Logger;

/**
 * Streams blob bytes to the client. A client that disconnects ends the write quietly. If the
 * content fails mid-way (an upstream that sent wrong
 * bytes), the exception propagates so the container aborts the connection instead of ending the
 * response normally: the client sees a truncated transfer, never a complete wrong body.
 */
final class BlobBodyWriter implements MessageBodyWriter<BlobBody> {
    private static final Logger LOG = Logger.getLogger(BlobBodyWriter.class.getName());
    private static final byte[] NOTHING = new byte[0];

    @Context
    private HttpServletResponse response;

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == BlobBody.class;
    }

    @Override
    public void writeTo(BlobBody body, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                        MultivaluedMap<String, Object> httpHeaders, OutputStream out) throws IOException {
        long[] sent = {0};
        try {
            RegionSink direct = RegionSinks.byteBuffers(response.getOutputStream());
            RegionSink sink = direct != null ? direct : RegionSinks.copying(out);
            if (direct != null) {
                out.write(NOTHING); // commits the status and headers through Jersey first
            }
            body.content().writeTo(body.offset(), body.length(), (file, position, length) -> {
                sink.write(file, position, length);
                sent[0] += length;
            });
        } catch (ClientGoneException e) {
            LOG.fine(() -> "client went away during " + body.content().digest() + ": " + e.getMessage());
        } finally {
            body.sent().accept(sent[0]);
        }
    }
}
