package io.regcache.http;

import io.regcache.cache.BlobContent;

/** The part of a blob a response carries: {@code length} bytes from {@code offset} (-1: to the end). */
record BlobBody(BlobContent content, long offset, long length) {
}
