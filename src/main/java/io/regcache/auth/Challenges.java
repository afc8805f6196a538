package io.regcache.auth;

import io.regcache.config.SecurityConfig;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The {@code WWW-Authenticate} header that tells Docker, containerd, podman and skopeo how to
 * authenticate: a Bearer challenge naming this mirror's token endpoint, like Docker Hub's.
 */
public final class Challenges {
    private final SecurityConfig security;
    private final ClientNetwork network;

    public Challenges(SecurityConfig security, ClientNetwork network) {
        this.security = security;
        this.network = network;
    }

    /** The challenge; {@code repository} (nullable) becomes the scope, {@code error} (nullable) the error parameter. */
    public String bearer(HttpServletRequest req, String repository, String error) {
        StringBuilder b = new StringBuilder("Bearer realm=\"").append(network.externalUrl(req)).append("/token\"")
                .append(",service=\"").append(security.service()).append('"');
        if (repository != null) {
            b.append(",scope=\"repository:").append(repository).append(":pull\"");
        }
        if (error != null) {
            b.append(",error=\"").append(error).append('"');
        }
        return b.toString();
    }
}
