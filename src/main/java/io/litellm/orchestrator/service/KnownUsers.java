package io.litellm.orchestrator.service;

import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.litellm.orchestrator.config.OrchestratorConfig;

/**
 * User ids LiteLLM confirmed to exist a short while ago (it answered their row, or we created them), so a route
 * that only needs to know the user exists can skip {@code /user/info}. An id is forgotten when LiteLLM says it does
 * not know it, when we delete it, and after {@code orchestrator.known-users.ttl}. Within that time a user deleted in
 * LiteLLM by someone else still counts as known (see README, "LiteLLM calls per route").
 * <p>
 * Every entry lives equally long, so insertion order is expiry order: a linked map whose head is always the next to
 * expire, trimmed from the head. Each operation is a few map steps under one lock, far below one LiteLLM call.
 */
@ApplicationScoped
public class KnownUsers {

    private final long ttlNanos;
    private final int maxSize;
    private final LongSupplier nanoTime;
    /** User id to the nanoTime it expires at; oldest first. */
    private final LinkedHashMap<String, Long> expiries = new LinkedHashMap<>();

    @Inject
    public KnownUsers(OrchestratorConfig config) {
        this(config.knownUsers().ttl(), config.knownUsers().maxSize(), System::nanoTime);
    }

    KnownUsers(Duration ttl, int maxSize, LongSupplier nanoTime) {
        this.ttlNanos = ttl.toNanos();
        this.maxSize = maxSize;
        this.nanoTime = nanoTime;
    }

    /** Whether the memo is in use at all ({@code ttl} and {@code max-size} above 0). */
    public boolean enabled() {
        return ttlNanos > 0 && maxSize > 0;
    }

    /** Whether LiteLLM confirmed this user within the TTL. */
    public boolean knows(String userId) {
        if (!enabled()) {
            return false;
        }
        long now = nanoTime.getAsLong();
        synchronized (expiries) {
            Long expiry = expiries.get(userId);
            if (expiry == null) {
                return false;
            }
            if (expiry - now <= 0) {
                expiries.remove(userId);
                return false;
            }
            return true;
        }
    }

    /** LiteLLM confirmed the user exists (it answered its row, or created it) just now. */
    public void remember(String userId) {
        if (!enabled() || userId == null) {
            return;
        }
        long now = nanoTime.getAsLong();
        synchronized (expiries) {
            // removed first so a renewed entry moves to the tail, keeping the map in expiry order
            expiries.remove(userId);
            dropExpired(now);
            while (expiries.size() >= maxSize) {
                Iterator<String> oldest = expiries.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            expiries.put(userId, now + ttlNanos);
        }
    }

    /** LiteLLM said it does not know the user, or we deleted it. */
    public void forget(String userId) {
        synchronized (expiries) {
            expiries.remove(userId);
        }
    }

    public void forgetAll(Collection<String> userIds) {
        synchronized (expiries) {
            userIds.forEach(expiries::remove);
        }
    }

    /** Forgets every user (tests start from an empty memo, as a fresh replica does). */
    public void clear() {
        synchronized (expiries) {
            expiries.clear();
        }
    }

    /** Entries held now, expired ones not yet dropped included. */
    int size() {
        synchronized (expiries) {
            return expiries.size();
        }
    }

    private void dropExpired(long now) {
        Iterator<Map.Entry<String, Long>> entries = expiries.entrySet().iterator();
        while (entries.hasNext()) {
            if (entries.next().getValue() - now > 0) {
                return;
            }
            entries.remove();
        }
    }
}
