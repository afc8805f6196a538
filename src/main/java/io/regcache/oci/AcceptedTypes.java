package io.regcache.oci;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The manifest media types a client accepts, reduced to the known ones. Docker sends one Accept
 * line per type, containerd one comma-separated line; both end up here as the same set. A client
 * that names none of them (or only a wildcard) is treated as accepting the current four, less
 * any it refused with {@code q=0}.
 */
public final class AcceptedTypes {
    private final int mask;

    private AcceptedTypes(int mask) {
        this.mask = mask;
    }

    public static AcceptedTypes fromHeaders(Collection<String> acceptHeaderLines) {
        int accepted = 0;
        int refused = 0;
        if (acceptHeaderLines != null) {
            for (String line : acceptHeaderLines) {
                if (line == null) {
                    continue;
                }
                for (String part : line.split(",")) {
                    int i = MediaTypes.manifestTypeIndex(part);
                    if (i < 0) {
                        continue;
                    }
                    if (part.indexOf(';') >= 0 && isRefused(part)) {
                        refused |= 1 << i;
                    } else {
                        accepted |= 1 << i;
                    }
                }
            }
        }
        int mask = (accepted == 0 ? current().mask : accepted) & ~refused;
        return new AcceptedTypes(mask == 0 ? current().mask : mask);
    }

    public static AcceptedTypes current() {
        return new AcceptedTypes((1 << MediaTypes.CURRENT_MANIFEST_TYPES.size()) - 1);
    }

    /** {@code type;q=0} means "not this one". */
    private static boolean isRefused(String part) {
        String p = part.replace(" ", "").toLowerCase(Locale.ROOT);
        return p.contains(";q=0") && !p.matches(".*;q=0\\.0*[1-9].*");
    }

    public boolean accepts(String mediaType) {
        if (mediaType == null) {
            return false;
        }
        int i = MediaTypes.MANIFEST_TYPES.indexOf(MediaTypes.bare(mediaType));
        return i >= 0 && (mask & (1 << i)) != 0;
    }

    public List<String> types() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < MediaTypes.MANIFEST_TYPES.size(); i++) {
            if ((mask & (1 << i)) != 0) {
                out.add(MediaTypes.MANIFEST_TYPES.get(i));
            }
        }
        return out;
    }

    /** A short stable key naming this set, used to keep tag records per negotiated set. */
    public String key() {
        return Integer.toHexString(mask);
    }

    public static AcceptedTypes fromKey(String key) {
        return new AcceptedTypes(Integer.parseInt(key, 16));
    }

    public String headerValue() {
        return String.join(", ", types());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AcceptedTypes a && a.mask == mask;
    }

    @Override
    public int hashCode() {
        return mask;
    }

    @Override
    public String toString() {
        return headerValue();
    }
}
