package io.regcache.cache;

import java.io.IOException;

/**
 * Writing to the client failed: it disconnected. Routine (containerd closes connections after
 * the part of a blob it wanted), so it is not an error of the mirror's; shared downloads go on.
 */
public final class ClientGoneException extends IOException {
    public ClientGoneException(IOException cause) {
        super("client disconnected: " + cause.getMessage(), cause);
    }
}
