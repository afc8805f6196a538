package io.regcache.it.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for something to happen by asking again and again, with a short {@link Pause} between. */
public final class Poll {
    private static final long PAUSE_MILLIS = 100;

    private Poll() {
    }

    /** Asks {@code condition} until it holds; fails naming {@code what} once {@code timeout} has passed. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(() -> what, timeout, condition);
    }

    /**
     * Like {@link #until(String, Duration, BooleanSupplier)}, with {@code what} worded when the wait
     * fails (to show the state it ended in). An assertion {@code condition} makes on each try ends
     * the wait as soon as it fails.
     */
    public static void until(Supplier<String> what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what.get());
            }
            Pause.millis(PAUSE_MILLIS);
        }
    }
}
