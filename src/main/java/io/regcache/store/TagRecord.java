package io.regcache.store;

import io.regcache.oci.Access;

/**
 * What a tag resolved to upstream for one set of accepted media types, when that was checked,
 * and with which access (an anonymous caller must not learn what only the account sees). The
 * same tag can resolve differently per Accept (a manifest list vs. its amd64 child).
 */
public record TagRecord(String digest, String mediaType, long size, long checkedAt, Access access) {

    public Access accessOrAccount() {
        return Access.orAccount(access);
    }
}
