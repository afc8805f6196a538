package io.regcache.cache;

/** Holds a blob as "being read" until closed, so the janitor leaves it alone meanwhile. */
public interface ReadLease extends AutoCloseable {
    @Override
    void close();
}
