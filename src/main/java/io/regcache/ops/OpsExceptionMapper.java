package io.regcache.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.regcache.http.OciErrors;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Map;
import java.util.logging.Logger;

/** Errors of the ops API in the same JSON form as the registry's. */
final class OpsExceptionMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(OpsExceptionMapper.class.getName());

    @Override
    public Response toResponse(Throwable t) {
        if (t instanceof JsonProcessingException) {
            // the parser's message quotes the body: not repeated back
            return OciErrors.response(new RegistryException(ErrorCode.UNSUPPORTED, 400, "the body is not valid JSON"));
        }
        return OciErrors.fallback(t, LOG, "ops API failure");
    }
}
