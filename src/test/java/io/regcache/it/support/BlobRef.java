package io.regcache.it.support;

/** A content-addressed object referenced by a manifest. */
public record BlobRef(String mediaType, String digest, long size) {
}
