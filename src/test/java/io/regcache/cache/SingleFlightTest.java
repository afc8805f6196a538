package io.regcache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SingleFlightTest {
    private static final Duration LIMIT = Duration.ofSeconds(5);
    private static final int WAITERS = 5;

    private final List<Thread> threads = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "caller");
        t.setDaemon(true);
        synchronized (threads) {
            threads.add(t);
        }
        return t;
    });

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Waits until {@code n} pool threads other than the running worker are parked. */
    private void awaitParked(int n, Thread except) throws InterruptedException {
        while (true) {
            int parked = 0;
            synchronized (threads) {
                for (Thread t : threads) {
                    if (t != except && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)) {
                        parked++;
                    }
                }
            }
            if (parked >= n) {
                return;
            }
            Thread.sleep(5);
        }
    }

    @Test
    void concurrentCallersShareOneResult() {
        assertTimeoutPreemptively(LIMIT, () -> {
            SingleFlight<String, Object> flight = new SingleFlight<>();
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread[] worker = new Thread[1];
            Object value = new Object();

            Future<Object> first = pool.submit(() -> flight.run("k", () -> {
                runs.incrementAndGet();
                worker[0] = Thread.currentThread();
                started.countDown();
                await(release);
                return value;
            }));
            assertTrue(started.await(2, TimeUnit.SECONDS));
            List<Future<Object>> others = new ArrayList<>();
            for (int i = 0; i < WAITERS; i++) {
                others.add(pool.submit(() -> flight.run("k", () -> {
                    runs.incrementAndGet();
                    return new Object();
                })));
            }
            awaitParked(WAITERS, worker[0]);
            release.countDown();

            assertSame(value, first.get());
            for (Future<Object> f : others) {
                assertSame(value, f.get(), "every caller gets the one result");
            }
            assertEquals(1, runs.get(), "the work ran once");
        });
    }

    @Test
    void concurrentCallersShareOneException() {
        assertTimeoutPreemptively(LIMIT, () -> {
            SingleFlight<String, Object> flight = new SingleFlight<>();
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread[] worker = new Thread[1];
            IllegalStateException failure = new IllegalStateException("upstream down");

            Future<Object> first = pool.submit(() -> flight.run("k", () -> {
                runs.incrementAndGet();
                worker[0] = Thread.currentThread();
                started.countDown();
                await(release);
                throw failure;
            }));
            assertTrue(started.await(2, TimeUnit.SECONDS));
            List<Future<Object>> others = new ArrayList<>();
            for (int i = 0; i < WAITERS; i++) {
                others.add(pool.submit(() -> flight.run("k", () -> {
                    runs.incrementAndGet();
                    return "should not run";
                })));
            }
            awaitParked(WAITERS, worker[0]);
            release.countDown();

            assertSame(failure, assertThrows(ExecutionException.class, first::get).getCause());
            for (Future<Object> f : others) {
                assertSame(failure, assertThrows(ExecutionException.class, f::get).getCause());
            }
            assertEquals(1, runs.get());
        });
    }

    @Test
    void differentKeysRunIndependently() {
        assertTimeoutPreemptively(LIMIT, () -> {
            SingleFlight<String, String> flight = new SingleFlight<>();
            CountDownLatch bothRunning = new CountDownLatch(2);
            Future<String> a = pool.submit(() -> flight.run("a", () -> {
                bothRunning.countDown();
                await(bothRunning); // deadlocks unless "b" runs at the same time
                return "A";
            }));
            Future<String> b = pool.submit(() -> flight.run("b", () -> {
                bothRunning.countDown();
                await(bothRunning);
                return "B";
            }));
            assertEquals("A", a.get());
            assertEquals("B", b.get());
        });
    }

    @Test
    void finishedFlightsAreNotCached() {
        SingleFlight<String, Integer> flight = new SingleFlight<>();
        AtomicInteger runs = new AtomicInteger();
        assertEquals(1, flight.run("k", runs::incrementAndGet));
        assertEquals(2, flight.run("k", runs::incrementAndGet));
        RuntimeException boom = new RuntimeException("boom");
        assertSame(boom, assertThrows(RuntimeException.class, () -> flight.run("k", () -> {
            throw boom;
        })));
        assertEquals(3, flight.run("k", runs::incrementAndGet), "a failure is not remembered either");
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(3, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
