package io.regcache.oci;

/**
 * How content was (or is to be) fetched from the upstream: anonymously, or with the mirror's
 * account. Content fetched anonymously is public and may go to anyone; content fetched with the
 * account may go only to callers entitled to the account's view.
 */
public enum Access {
    ANONYMOUS,
    ACCOUNT;

    /** Whether something fetched with this access may be given to a caller with {@code caller} access. */
    public boolean usableBy(Access caller) {
        return this == ANONYMOUS || caller == ACCOUNT;
    }

    /** Records only ever widen: once known to be public, content stays public. */
    public static Access widest(Access a, Access b) {
        return a == ANONYMOUS || b == ANONYMOUS ? ANONYMOUS : ACCOUNT;
    }

    /** A record's access; records from before access was recorded have none and count as the account's. */
    public static Access orAccount(Access recorded) {
        return recorded == null ? ACCOUNT : recorded;
    }
}
