package io.regcache.upstream;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the mirror's upstream account may be sent: to the upstream's own host, or to a token realm
 * in the same registrable domain (Docker Hub: registry-1.docker.io → auth.docker.io). Anything else
 * gets anonymous requests only.
 */
final class CredentialPolicy {
    private static final Pattern IPV4 = Pattern.compile("[0-9.]+");

    private CredentialPolicy() {
    }

    static boolean mayReceive(URI upstream, URI target) {
        if (target.getHost() == null || upstream.getHost() == null) {
            return false;
        }
        if ("https".equals(upstream.getScheme()) && !"https".equals(target.getScheme())) {
            return false; // never downgrade a secret to clear text
        }
        String a = upstream.getHost().toLowerCase(Locale.ROOT);
        String b = target.getHost().toLowerCase(Locale.ROOT);
        if (a.equals(b)) {
            return true;
        }
        String domain = registrableDomain(a);
        return domain != null && domain.equals(registrableDomain(b));
    }

    /** The last two labels of a DNS name (three under a two-letter country code's second level). */
    static String registrableDomain(String host) {
        if (IPV4.matcher(host).matches() || host.contains(":")) {
            return null; // IP literals have no parent domain
        }
        String[] labels = host.split("\\.");
        if (labels.length < 2) {
            return null;
        }
        int keep = 2;
        String tld = labels[labels.length - 1];
        String second = labels[labels.length - 2];
        if (tld.length() == 2 && labels.length >= 3 && (second.length() <= 3)) {
            keep = 3; // e.g. example.co.uk
        }
        if (labels.length < keep) {
            return null;
        }
        return String.join(".", Arrays.copyOfRange(labels, labels.length - keep, labels.length));
    }
}
