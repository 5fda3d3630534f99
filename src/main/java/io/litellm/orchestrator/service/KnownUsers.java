package io.litellm.orchestrator.service;

import java.time.Duration;
import java.util.Collection;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * User ids LiteLLM confirmed to exist a short while ago (it answered their row, or we created them), so a route
 * that only needs to know the user exists can skip {@code /user/info}. An id is forgotten when LiteLLM says it does
 * not know it, when we delete it, and after {@code orchestrator.known-users.ttl}. Within that time a user deleted in
 * LiteLLM by someone else still counts as known (see README, "LiteLLM calls per route").
 * <p>
 * A Caffeine cache: {@link #knows} is a lock-free read, the hit rate is measured ({@code cache.gets{cache=known-users}}).
 * Every entry lives equally long, so write order is expiry order, and the bound drops the oldest entry first (the
 * next to expire, as before): Caffeine's own size bound (W-TinyLFU) may refuse a new id in favour of an often-used
 * old one, which would make a freshly created user look unknown. Maintenance runs on the calling thread, so an
 * expired entry is gone before the bound is checked.
 */
// Caffeine picks a generated cache and node class by name, by reflection: the native image must carry the two this
// builder picks (NativeImageReadinessTest checks the names on the JVM).
@RegisterForReflection(classNames = { "com.github.benmanes.caffeine.cache.SSSW",
        "com.github.benmanes.caffeine.cache.PSW" }, methods = false)
@ApplicationScoped
public class KnownUsers {

    private final long ttlNanos;
    private final int maxSize;
    /** User id to a marker; expires {@code ttl} after the last {@link #remember}. */
    private final Cache<String, Boolean> users;

    @Inject
    public KnownUsers(OrchestratorConfig config, OrchestratorMetrics metrics) {
        this(config.knownUsers().ttl(), config.knownUsers().maxSize(), System::nanoTime);
        metrics.cache(users, "known-users");
    }

    KnownUsers(Duration ttl, int maxSize, LongSupplier nanoTime) {
        this.ttlNanos = ttl.toNanos();
        this.maxSize = maxSize;
        this.users = Caffeine.newBuilder()
                .expireAfterWrite(Duration.ofNanos(Math.max(0, ttlNanos)))
                .ticker(nanoTime::getAsLong)
                .executor(Runnable::run)
                .recordStats()
                .build();
    }

    /** Whether the memo is in use at all ({@code ttl} and {@code max-size} above 0). */
    public boolean enabled() {
        return ttlNanos > 0 && maxSize > 0;
    }

    /** Whether LiteLLM confirmed this user within the TTL. */
    public boolean knows(String userId) {
        return enabled() && userId != null && users.getIfPresent(userId) != null;
    }

    /** LiteLLM confirmed the user exists (it answered its row, or created it) just now. */
    public void remember(String userId) {
        if (!enabled() || userId == null) {
            return;
        }
        // removed first: Caffeine leaves an entry rewritten within a second where it was in the write order
        // (its EXPIRE_WRITE_TOLERANCE), and the bound below must not take a just-renewed id for the oldest one.
        // The write drops the expired entries.
        users.invalidate(userId);
        users.put(userId, Boolean.TRUE);
        long over = users.estimatedSize() - maxSize;
        if (over > 0) {
            users.policy().expireAfterWrite().ifPresent(order -> users.invalidateAll(order.oldest((int) over).keySet()));
        }
    }

    /** LiteLLM said it does not know the user, or we deleted it. */
    public void forget(String userId) {
        if (userId != null) {
            users.invalidate(userId);
        }
    }

    public void forgetAll(Collection<String> userIds) {
        userIds.forEach(this::forget);
    }

    /** Forgets every user (tests start from an empty memo, as a fresh replica does). */
    public void clear() {
        users.invalidateAll();
    }

    /** Entries held now, once expired ones are dropped. */
    int size() {
        users.cleanUp();
        return (int) users.estimatedSize();
    }
}
