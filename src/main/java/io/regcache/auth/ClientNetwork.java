package io.regcache.auth;

import io.regcache.config.Cidr;
import io.regcache.config.SecurityConfig;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.Locale;

/**
 * Where a request comes from and what URL it was addressed to. Forwarding headers
 * ({@code X-Forwarded-For/-Proto/-Host}, {@code Forwarded}) are believed only from configured
 * trusted proxies; from anyone else they are ignored.
 */
public final class ClientNetwork {
    private final SecurityConfig security;

    public ClientNetwork(SecurityConfig security) {
        this.security = security;
    }

    /** The client's address: the peer, or behind trusted proxies the nearest untrusted forwarded hop. */
    public InetAddress clientOf(HttpServletRequest req) {
        InetAddress peer = parse(req.getRemoteAddr());
        if (peer == null || !trusted(peer)) {
            return peer;
        }
        String xff = req.getHeader("X-Forwarded-For");
        if (xff == null) {
            String fwd = forwardedParam(req.getHeader("Forwarded"), "for");
            return fwd == null ? peer : orElse(parse(stripPort(fwd)), peer);
        }
        String[] hops = xff.split(",");
        for (int i = hops.length - 1; i >= 0; i--) { // the rightmost hop not ours is the client
            InetAddress hop = parse(hops[i].trim());
            if (hop == null) {
                return peer;
            }
            if (!trusted(hop)) {
                return hop;
            }
        }
        return peer;
    }

    /**
     * The client's address as logs, the login throttle and the status page name it, worked out once
     * per request and kept in {@link Caller#CLIENT_ATTRIBUTE}.
     */
    public String client(HttpServletRequest req) {
        return req.getAttribute(Caller.CLIENT_ATTRIBUTE) instanceof String c ? c : remember(req, clientOf(req));
    }

    /** Whether {@code security.allow} admits the request's client; without a list nobody's address is worked out. */
    public boolean admits(HttpServletRequest req) {
        if (security.allow().isEmpty()) {
            return true;
        }
        InetAddress client = clientOf(req);
        remember(req, client);
        return allowed(client);
    }

    public boolean allowed(InetAddress client) {
        return security.allow().isEmpty() || (client != null && security.allow().stream().anyMatch(c -> c.contains(client)));
    }

    private static String remember(HttpServletRequest req, InetAddress client) {
        String c = client == null ? "null" : client.getHostAddress();
        req.setAttribute(Caller.CLIENT_ATTRIBUTE, c);
        return c;
    }

    /** The mirror's base URL as the client addressed it, e.g. {@code https://mirror.example.com}. */
    public String externalUrl(HttpServletRequest req) {
        if (security.externalUrl() != null) {
            return security.externalUrl();
        }
        String scheme = req.getScheme();
        String host = req.getServerName() + (isDefaultPort(req.getScheme(), req.getServerPort()) ? "" : ":" + req.getServerPort());
        InetAddress peer = parse(req.getRemoteAddr());
        if (peer != null && trusted(peer)) {
            String proto = firstNonNull(first(req.getHeader("X-Forwarded-Proto")), forwardedParam(req.getHeader("Forwarded"), "proto"));
            String fhost = firstNonNull(first(req.getHeader("X-Forwarded-Host")), forwardedParam(req.getHeader("Forwarded"), "host"));
            String port = first(req.getHeader("X-Forwarded-Port"));
            if (proto != null && (proto.equalsIgnoreCase("http") || proto.equalsIgnoreCase("https"))) {
                scheme = proto.toLowerCase(Locale.ROOT);
            }
            if (fhost != null && fhost.matches("[A-Za-z0-9.\\-\\[\\]:]{1,260}")) {
                host = fhost;
                if (port != null && port.matches("\\d{1,5}") && !fhost.contains(":") && !isDefaultPort(scheme, Integer.parseInt(port))) {
                    host = fhost + ":" + port;
                }
            }
        }
        return scheme + "://" + host;
    }

    private boolean trusted(InetAddress a) {
        return security.trustedProxies().stream().anyMatch(c -> c.contains(a));
    }

    private static boolean isDefaultPort(String scheme, int port) {
        return ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
    }

    /** An IP literal (IPv6 possibly in brackets), or null. */
    static InetAddress parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        return Cidr.address(t);
    }

    private static String stripPort(String hostPort) {
        String h = hostPort.replace("\"", "");
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(0, end + 1) : h;
        }
        int colon = h.indexOf(':');
        return colon > 0 && h.indexOf(':', colon + 1) < 0 ? h.substring(0, colon) : h;
    }

    /** A parameter of the first element of an RFC 7239 {@code Forwarded} header. */
    static String forwardedParam(String header, String name) {
        if (header == null) {
            return null;
        }
        String firstElement = header.split(",")[0];
        for (String pair : firstElement.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase(name)) {
                return pair.substring(eq + 1).trim().replace("\"", "");
            }
        }
        return null;
    }

    private static String first(String header) {
        return header == null ? null : header.split(",")[0].trim();
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    private static InetAddress orElse(InetAddress a, InetAddress b) {
        return a != null ? a : b;
    }
}
