package io.regcache.upstream;

/** Whether a request goes upstream anonymously or with the mirror's configured account. */
public enum Access {
    ANONYMOUS,
    ACCOUNT
}
