package io.regcache.auth;

import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import java.util.Map;

/** A 401 whose Bearer challenge carries an RFC 6750 {@code error} ({@code invalid_token}, {@code insufficient_scope}). */
final class BearerRefusal extends RegistryException {
    final String error;

    BearerRefusal(String message, String error) {
        super(ErrorCode.UNAUTHORIZED, 401, message);
        this.error = error;
    }
}
