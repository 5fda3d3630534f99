package io.litellm.orchestrator.service;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.ErrorKind;
import io.litellm.orchestrator.config.OrchestratorConfig;

/**
 * Sliding-window limit on regenerations per caller and key, in memory (one instance; several replicas each count
 * their own). Every attempt counts, failed ones included, and the count follows the key to its new id, so rotating
 * does not reset it.
 */
@ApplicationScoped
public class RegenerationLimiter {

    /** Above this many tracked pairs, expired ones are swept on the next attempt. */
    private static final int SWEEP_ABOVE = 1024;

    private final OrchestratorConfig config;
    private final Map<String, Deque<Long>> attempts = new HashMap<>();

    public RegenerationLimiter(OrchestratorConfig config) {
        this.config = config;
    }

    /** Records an attempt, or refuses it with 429 and the seconds until the oldest attempt leaves the window. */
    public synchronized void acquire(String principal, String keyId) {
        long now = System.nanoTime();
        long window = config.regenerate().window().toNanos();
        if (attempts.size() > SWEEP_ABOVE) {
            attempts.values().removeIf(times -> prune(times, now, window).isEmpty());
        }
        Deque<Long> times = prune(attempts.computeIfAbsent(pair(principal, keyId), k -> new ArrayDeque<>()), now,
                window);
        if (times.size() >= config.regenerate().maxPerWindow()) {
            long waitNanos = times.peekFirst() + window - now;
            long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            throw new ApiException(ErrorKind.TOO_MANY_REQUESTS, "At most " + config.regenerate().maxPerWindow()
                    + " regenerations of a key per " + describe(config.regenerate().window())
                    + "; try again in " + seconds + " s", seconds, null);
        }
        times.addLast(now);
    }

    /** The key got a new id: its attempts go with it. */
    public synchronized void moved(String principal, String oldKeyId, String newKeyId) {
        Deque<Long> times = attempts.remove(pair(principal, oldKeyId));
        if (times != null) {
            attempts.merge(pair(principal, newKeyId), times, (a, b) -> {
                a.addAll(b);
                return a;
            });
        }
    }

    private static Deque<Long> prune(Deque<Long> times, long now, long window) {
        while (!times.isEmpty() && now - times.peekFirst() >= window) {
            times.removeFirst();
        }
        return times;
    }

    private static String pair(String principal, String keyId) {
        return principal + '\n' + keyId;
    }

    private static String describe(Duration window) {
        long seconds = window.toSeconds();
        return seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }
}
