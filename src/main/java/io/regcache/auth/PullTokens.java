package io.regcache.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.regcache.config.SecurityConfig;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The mirror's own bearer tokens, shaped like Docker Hub's: short-lived JWTs (HMAC-SHA256 with the
 * configured key, so replicas sharing it accept each other's) whose {@code access} claim lists the
 * repositories granted for pull, and whose {@code roles} claim carries the caller's mirror roles.
 */
public final class PullTokens {
    private static final String ISSUER = "regcache";

    private final SecurityConfig security;
    private final Clock clock;
    private final MACSigner signer;
    private final MACVerifier verifier;

    public PullTokens(SecurityConfig security, Clock clock) {
        this.security = security;
        this.clock = clock;
        try {
            this.signer = new MACSigner(security.tokenKey());
            this.verifier = new MACVerifier(security.tokenKey());
        } catch (JOSEException e) {
            throw new IllegalStateException("unusable token key", e);
        }
    }

    /** A token for {@code caller} granting pull on {@code repositories}. */
    public Issued issue(Caller caller, Set<String> repositories) {
        Instant now = clock.instant();
        Instant expires = now.plus(security.tokenLifetime());
        List<Map<String, Object>> access = new ArrayList<>();
        for (String repo : repositories) {
            access.add(Map.of("type", "repository", "name", repo, "actions", List.of("pull")));
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(security.service())
                .subject(caller.isAnonymous() ? "" : caller.name())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString())
                .claim("access", access)
                .claim("roles", new ArrayList<>(caller.roles()))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return new Issued(jwt.serialize(), now, security.tokenLifetime().toSeconds());
    }

    /** A token as handed out. */
    public record Issued(String token, Instant issuedAt, long expiresIn) {
    }

    /** The caller a valid, unexpired token of ours stands for. */
    public Optional<Caller> verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return Optional.empty();
            }
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            Instant now = clock.instant();
            if (!ISSUER.equals(c.getIssuer()) || c.getAudience() == null || !c.getAudience().contains(security.service())
                    || c.getExpirationTime() == null || !c.getExpirationTime().toInstant().isAfter(now)
                    || (c.getNotBeforeTime() != null && c.getNotBeforeTime().toInstant().isAfter(now))) {
                return Optional.empty();
            }
            Set<String> scopes = new HashSet<>();
            Object access = c.getClaim("access");
            if (access instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Map<?, ?> m && "repository".equals(m.get("type")) && m.get("name") instanceof String n
                            && m.get("actions") instanceof List<?> actions && actions.contains("pull")) {
                        scopes.add(n);
                    }
                }
            }
            Set<String> roles = new LinkedHashSet<>();
            List<String> claimed = c.getStringListClaim("roles");
            if (claimed != null) {
                claimed.stream().filter(Roles.ALL::contains).forEach(roles::add);
            }
            String subject = c.getSubject();
            return Optional.of(new Caller(subject == null || subject.isEmpty() ? null : subject, Set.copyOf(roles), Set.copyOf(scopes)));
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
