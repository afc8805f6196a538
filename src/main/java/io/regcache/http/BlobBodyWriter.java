package io.regcache.http;

import io.regcache.cache.ClientGoneException;
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

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == BlobBody.class;
    }

    @Override
    public void writeTo(BlobBody body, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                        MultivaluedMap<String, Object> httpHeaders, OutputStream out) throws IOException {
        try {
            body.content().writeTo(body.offset(), body.length(), out);
        } catch (ClientGoneException e) {
            LOG.fine(() -> "client went away during " + body.content().digest() + ": " + e.getMessage());
        }
    }
}
