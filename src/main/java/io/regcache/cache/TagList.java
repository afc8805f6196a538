package io.regcache.cache;

/**
 * One page of a repository's tags as JSON {@code {"name","tags"}}. {@code nextQuery} is the
 * query string ({@code n=…&last=…}) of the next page, or null when this is the last one.
 */
public record TagList(byte[] json, String nextQuery, CacheOutcome outcome) {
}
