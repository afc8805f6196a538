package io.regcache.http;

import io.regcache.cache.ClientGoneException;
import io.regcache.cache.RegionSink;
import jakarta.servlet.http.HttpServletRequest;
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
 * content fails mid-way (an upstream that sent wrong bytes), the connection must be aborted
 * instead of the response ending normally: the client sees a truncated transfer, never a complete
 * wrong body, and at once rather than when an idle connection times out. Jersey only logs an
 * entity that fails after the headers went out, and a servlet that returns normally ends the
 * response as if complete (Jetty notices the missing bytes and aborts; Tomcat keeps the
 * connection open for the next request while the client waits for the rest). So the failure is
 * also left in a request attribute, {@link #BROKEN}, which {@link RegistryHeadersFilter} rethrows
 * to the container: an exception out of the filter chain after commit makes either abort.
 */
final class BlobBodyWriter implements MessageBodyWriter<BlobBody> {
    /** Request attribute: the failure of a body whose status and headers were already sent. */
    static final String BROKEN = BlobBodyWriter.class.getName() + ".broken";
    private static final Logger LOG = Logger.getLogger(BlobBodyWriter.class.getName());
    private static final byte[] NOTHING = new byte[0];

    @Context
    private HttpServletRequest request;

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
        } catch (IOException | RuntimeException e) {
            request.setAttribute(BROKEN, e);
            throw e;
        } finally {
            body.sent().accept(sent[0]);
        }
    }
}
