package io.regcache.store;

/**
 * What a tag resolved to upstream for one set of accepted media types, and when that was checked.
 * The same tag can resolve differently per Accept (a manifest list vs. its amd64 child).
 */
public record TagRecord(String digest, String mediaType, long size, long checkedAt) {
}
