package io.regcache.store;

import io.regcache.oci.Access;

/**
 * A cached manifest of a repository: its media type as the upstream served it, its size, and how
 * it was fetched (null in records from before access was recorded: treated as the account's).
 */
public record ManifestRecord(String digest, String mediaType, long size, long cachedAt, Access access) {

    public Access accessOrAccount() {
        return Access.orAccount(access);
    }
}
