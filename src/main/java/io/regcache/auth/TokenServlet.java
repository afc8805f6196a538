package io.regcache.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regcache.config.SecurityConfig;
import io.regcache.http.OciErrors;
import io.regcache.oci.RegistryException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /token}, the mirror's token endpoint, answering like Docker Hub's: {@code GET} with
 * {@code service}, repeated {@code scope} and {@code account}, credentials in Basic auth (checked
 * by the container against its realm), or containerd's OAuth2 form {@code POST} with
 * {@code grant_type=password}. Anonymous requests get anonymous grants. Only {@code pull} is ever
 * granted: the mirror is read-only.
 */
public final class TokenServlet extends HttpServlet {
    private static final ObjectMapper JSON = new ObjectMapper();
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
        Caller caller;
        try {
            caller = authenticator.authenticate(req, false);
        } catch (RegistryException e) {
            refuse(res, e);
            return;
        }
        String[] scopes = req.getParameterValues("scope");
        PullTokens.Issued issued = tokens.issue(caller, grants(caller, scopes == null ? new String[0] : scopes));
        ObjectNode body = JSON.createObjectNode();
        body.put("token", issued.token());
        body.put("access_token", issued.token());
        body.put("expires_in", issued.expiresIn());
        body.put("issued_at", issued.issuedAt().toString());
        send(res, 200, body);
    }

    /** containerd's OAuth2 form; refresh tokens are not offered, so that grant falls back to GET. */
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String grant = req.getParameter("grant_type");
        if (!"password".equals(grant)) {
            ObjectNode err = JSON.createObjectNode().put("error", "unsupported_grant_type");
            send(res, 400, err);
            return;
        }
        Caller caller;
        try {
            caller = authenticator.login(req, String.valueOf(req.getParameter("username")), String.valueOf(req.getParameter("password")));
        } catch (RegistryException e) {
            refuse(res, e);
            return;
        }
        String scope = req.getParameter("scope");
        PullTokens.Issued issued = tokens.issue(caller, grants(caller, scope == null ? new String[0] : scope.split(" ")));
        ObjectNode body = JSON.createObjectNode();
        body.put("access_token", issued.token());
        body.put("expires_in", issued.expiresIn());
        body.put("issued_at", issued.issuedAt().toString());
        body.put("scope", scope == null ? "" : scope);
        send(res, 200, body);
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

    private static void refuse(HttpServletResponse res, RegistryException e) throws IOException {
        OciErrors.write(res, "GET", e);
    }

    private static void send(HttpServletResponse res, int status, ObjectNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType("application/json");
        res.setHeader("Cache-Control", "no-store");
        res.setContentLength(bytes.length);
        res.getOutputStream().write(bytes);
    }
}
