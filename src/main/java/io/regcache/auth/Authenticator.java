package io.regcache.auth;

import io.regcache.config.SecurityConfig;
import io.regcache.oci.ErrorCode;
import io.regcache.oci.RegistryException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Turns a request into a {@link Caller}: Basic credentials
 * (by the servlet container, against its realm: {@link HttpServletRequest#login}) or one of the
 * mirror's bearer tokens; no credentials is an anonymous caller. Refusals are thrown as OCI errors.
 */
public final class Authenticator {
    private static final Logger LOG = Logger.getLogger(Authenticator.class.getName());

    private final SecurityConfig security;
    private final PullTokens tokens;
    private final LoginThrottle throttle;
    private final ClientNetwork network;

    public Authenticator(SecurityConfig security, PullTokens tokens, LoginThrottle throttle, ClientNetwork network) {
        this.security = security;
        this.tokens = tokens;
        this.throttle = throttle;
        this.network = network;
    }

    /** The caller, or a RegistryException (429 locked out, 401 bad credentials). */
    public Caller authenticate(HttpServletRequest req, boolean acceptTokens) {
        String header = req.getHeader("Authorization");
        if (header == null || header.isBlank()) {
            return Caller.ANONYMOUS;
        }
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return basic(req, header.substring(6).trim());
        }
        if (acceptTokens && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return tokens.verify(header.substring(7).trim())
                    .orElseThrow(() -> new BearerRefusal("invalid or expired token", "invalid_token"));
        }
        throw new RegistryException(ErrorCode.UNAUTHORIZED, 401, "unsupported authorization scheme");
    }

    private Caller basic(HttpServletRequest req, String base64) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.UNAUTHORIZED, 401, "malformed Basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw new RegistryException(ErrorCode.UNAUTHORIZED, 401, "malformed Basic credentials");
        }
        return login(req, decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    /** A realm user by name and password: from Basic credentials, or as the token endpoint's OAuth2 form sends them. */
    public Caller login(HttpServletRequest req, String user, String password) {
        String client = network.client(req);
        long wait = throttle.retryAfter(client);
        if (wait > 0) {
            throw new RegistryException(ErrorCode.TOOMANYREQUESTS, 429, "too many failed logins; try again later",
                    Map.of("Retry-After", String.valueOf(wait)));
        }
        Optional<Caller> caller = containerLogin(req, user, password);
        if (caller.isPresent()) {
            throttle.succeeded(client);
            return caller.get();
        }
        throttle.failed(client);
        LOG.info(() -> "failed login for '" + printable(user) + "' from " + client);
        if (security.rejectedAsAnonymous()) {
            return Caller.ANONYMOUS; // e.g. Docker Hub credentials a Docker daemon sends to its mirror
        }
        throw new RegistryException(ErrorCode.UNAUTHORIZED, 401, "invalid username or password");
    }

    /** The container checks the password against its realm; the roles are the container's too. */
    private static Optional<Caller> containerLogin(HttpServletRequest req, String user, String password) {
        try {
            if (req.getUserPrincipal() == null) {
                req.login(user, password);
            }
        } catch (ServletException e) {
            return Optional.empty();
        }
        Set<String> roles = new LinkedHashSet<>();
        for (String role : Roles.ALL) {
            if (req.isUserInRole(role)) {
                roles.add(role);
            }
        }
        return Optional.of(new Caller(user, Set.copyOf(roles), null));
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
