package io.regcache.config;

import java.net.URI;
import java.util.List;

/**
 * One upstream registry: the host name clients use for it ({@code docker.io}, {@code ghcr.io}),
 * where to reach it, the mirror's account there (both null for anonymous access), and token
 * realm hosts on other domains that may receive that account.
 */
public record UpstreamConfig(String registry, List<String> aliases, URI url, String username, String password,
                             boolean isDefault, List<String> tokenRealms) {

    public boolean hasCredentials() {
        return username != null && password != null;
    }

    /** Docker Hub's rules apply: one-component names live under {@code library/}. */
    public boolean isDockerHub() {
        return "docker.io".equals(registry);
    }

    public boolean answersTo(String host) {
        return registry.equals(host) || aliases.contains(host);
    }

    @Override
    public String toString() {
        // never print the password
        return registry + " -> " + url + (username != null ? " (account " + username + ")" : " (anonymous)");
    }
}
