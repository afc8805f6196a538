package io.regcache.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regcache.config.SecurityConfig;
import io.regcache.http.Json;
import io.regcache.http.OciErrors;
import io.regcache.oci.RegistryException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code /token}, the mirror's token endpoint, answering like Docker Hub's: {@code GET} with
 * {@code service}, repeated {@code scope} and {@code account}, credentials in Basic auth (checked
 * by the container against its realm), or containerd's OAuth2 form {@code POST} with
 * {@code grant_type=password}. Anonymous requests get anonymous grants. Only {@code pull} is ever
 * granted: the mirror is read-only.
 */
public final class TokenServlet extends HttpServlet {
    private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9][a-z0-9._/:\\-]{0,299}");

    private final Authenticator authenticator;
    private final PullTokens tokens;
    private final SecurityConfig security;

    public TokenServlet(Authenticator authenticator, PullTokens tokens, SecurityConfig security) {
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.security = security;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String[] scopes = req.getParameterValues("scope");
        grant(res, () -> authenticator.authenticate(req, false), scopes == null ? new String[0] : scopes, null);
    }

    /** containerd's OAuth2 form; refresh tokens are not offered, so that grant falls back to GET. */
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (!"password".equals(req.getParameter("grant_type"))) {
            Json.send(res, 400, Json.MAPPER.createObjectNode().put("error", "unsupported_grant_type"));
            return;
        }
        String user = String.valueOf(req.getParameter("username"));
        String password = String.valueOf(req.getParameter("password"));
        String scope = req.getParameter("scope");
        grant(res, () -> authenticator.login(req, user, password), scope == null ? new String[0] : new String[] {scope},
                scope == null ? "" : scope);
    }

    /**
     * A token for whoever {@code login} finds, answered as Docker's token endpoint does (with
     * {@code token}), or with {@code oauthScope} non-null as an OAuth2 token endpoint does.
     */
    private void grant(HttpServletResponse res, Supplier<Caller> login, String[] scopes, String oauthScope) throws IOException {
        Caller caller;
        try {
            caller = login.get();
        } catch (RegistryException e) {
            OciErrors.write(res, "GET", e);
            return;
        }
        PullTokens.Issued issued = tokens.issue(caller, grants(caller, scopes));
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (oauthScope == null) {
            body.put("token", issued.token());
        }
        body.put("access_token", issued.token());
        body.put("expires_in", issued.expiresIn());
        body.put("issued_at", issued.issuedAt().toString());
        if (oauthScope != null) {
            body.put("scope", oauthScope);
        }
        Json.send(res, 200, body);
    }

    /**
     * The repositories to grant pull on: those requested as {@code repository:<name>:…pull…}, if
     * the caller may pull at all. Other resources and actions are silently not granted, as token
     * servers do (the client then meets a 401 where it asks for more).
     */
    private Set<String> grants(Caller caller, String[] scopes) {
        Set<String> out = new LinkedHashSet<>();
        if (!caller.mayPull(security)) {
            return out;
        }
        for (String scope : scopes) {
            for (String one : scope.split(" ")) {
                if (!one.startsWith("repository:")) {
                    continue;
                }
                int actions = one.lastIndexOf(':');
                String name = one.substring("repository:".length(), Math.max(actions, "repository:".length()));
                boolean pull = actions > "repository:".length() && Set.of(one.substring(actions + 1).split(",")).contains("pull");
                if (pull && REPOSITORY.matcher(name).matches()) {
                    out.add(name);
                }
            }
        }
        return out;
    }
}
