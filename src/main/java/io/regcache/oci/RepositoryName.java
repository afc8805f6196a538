package io.regcache.oci;

/**
 * A repository name per the distribution spec grammar, e.g. {@code library/alpine}: components
 * of {@code [a-z0-9]+} joined by {@code .}, {@code _}, {@code __} or {@code -+}, separated by
 * {@code /}. Checked by hand on every request, so without the regex engine's allocations.
 */
public record RepositoryName(String value) {
    /** Clients cap host plus name at 255 characters; a name alone must fit too. */
    public static final int MAX_LENGTH = 255;

    public RepositoryName {
        if (!isValid(value)) {
            throw new RegistryException(ErrorCode.NAME_INVALID, "invalid repository name: " + Digest.abbreviate(value));
        }
    }

    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        int i = 0;
        int n = value.length();
        while (true) { // one path component
            int start = i;
            while (i < n && isAlnum(value.charAt(i))) {
                i++;
            }
            if (i == start) {
                return false; // components and separators must be followed by [a-z0-9]
            }
            if (i == n) {
                return true;
            }
            char c = value.charAt(i);
            if (c == '/') {
                i++;
            } else if (c == '.') {
                i++;
            } else if (c == '_') {
                i += i + 1 < n && value.charAt(i + 1) == '_' ? 2 : 1;
            } else if (c == '-') {
                while (i < n && value.charAt(i) == '-') {
                    i++;
                }
            } else {
                return false;
            }
        }
    }

    private static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    /** Docker Hub keeps official images under {@code library/}: {@code alpine} means {@code library/alpine}. */
    public RepositoryName withLibraryPrefixIfSingle() {
        return value.indexOf('/') < 0 ? new RepositoryName("library/" + value) : this;
    }

    @Override
    public String toString() {
        return value;
    }
}
