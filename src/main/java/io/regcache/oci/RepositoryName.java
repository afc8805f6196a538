package io.regcache.oci;

import java.util.regex.Pattern;

/** A repository name per the distribution spec grammar, e.g. {@code library/alpine}. */
public record RepositoryName(String value) {
    private static final Pattern GRAMMAR = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    /** Clients cap host plus name at 255 characters; a name alone must fit too. */
    public static final int MAX_LENGTH = 255;

    public RepositoryName {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !GRAMMAR.matcher(value).matches()) {
            throw new RegistryException(ErrorCode.NAME_INVALID, "invalid repository name: " + Digest.abbreviate(value));
        }
    }

    public static boolean isValid(String value) {
        return value != null && !value.isEmpty() && value.length() <= MAX_LENGTH && GRAMMAR.matcher(value).matches();
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
