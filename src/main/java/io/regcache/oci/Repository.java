package io.regcache.oci;

/** A repository at a given upstream registry, e.g. {@code docker.io} + {@code library/alpine}. */
public record Repository(String registry, RepositoryName name) {
    @Override
    public String toString() {
        return registry + "/" + name;
    }
}
