package io.regcache.it.support;

/** Sleeps between polls; an interrupt ends the test rather than being swallowed. */
public final class Pause {
    private Pause() {
    }

    public static void millis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
