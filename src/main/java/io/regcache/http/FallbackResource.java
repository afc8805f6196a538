package io.regcache.http;

import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import jakarta.inject.Singleton;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

/**
 * Everything else under {@code /v2/}: reads of unknown endpoints are 404, and every write (blob
 * uploads, manifest pushes, deletes) is 405 UNSUPPORTED, because a mirror is read-only.
 */
@Singleton
@Path("{any: .+}")
public final class FallbackResource {
    @GET
    public void unknown() {
        throw noSuchEndpoint();
    }

    @POST
    public void post() {
        throw readOnly();
    }

    @PUT
    public void put() {
        throw readOnly();
    }

    @PATCH
    public void patch() {
        throw readOnly();
    }

    @DELETE
    public void delete() {
        throw readOnly();
    }

    static RegistryException noSuchEndpoint() {
        return new RegistryException(ErrorCode.NAME_UNKNOWN, "no such registry API endpoint");
    }

    static RegistryException readOnly() {
        return new RegistryException(ErrorCode.UNSUPPORTED, "this registry is a read-only mirror; the operation is unsupported");
    }
}
