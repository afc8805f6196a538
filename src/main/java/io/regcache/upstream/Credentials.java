package io.regcache.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** An upstream account. {@link #toString()} never shows the secret. */
public record Credentials(String username, String password) {

    public String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Credentials[" + username + "]";
    }
}
