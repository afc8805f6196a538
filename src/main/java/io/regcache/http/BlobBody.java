package io.regcache.http;

import io.regcache.cache.BlobContent;
import java.util.function.LongConsumer;

/**
 * The part of a blob a response carries: {@code length} bytes from {@code offset} (-1: to the
 * end); {@code sent} learns how many bytes actually went out.
 */
record BlobBody(BlobContent content, long offset, long length, LongConsumer sent) {
}
