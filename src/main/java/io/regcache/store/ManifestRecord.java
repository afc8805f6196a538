package io.regcache.store;

/** A cached manifest of a repository: its media type as the upstream served it, and its size. */
public record ManifestRecord(String digest, String mediaType, long size, long cachedAt) {
}
