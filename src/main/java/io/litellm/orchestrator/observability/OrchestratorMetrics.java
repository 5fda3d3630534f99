package io.litellm.orchestrator.observability;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

/**
 * Our own counters, next to the HTTP server/client timers and fault-tolerance metrics Quarkus already exports.
 * Tag values come from small fixed sets: never a user id, key id or secret (cardinality and privacy). Each counter
 * is looked up in the registry once and then kept: a builder and its tags on every request cost more than the count.
 */
@ApplicationScoped
public class OrchestratorMetrics {

    private final MeterRegistry registry;
    /** By the operation, then the outcome (no key string built per call). */
    private final Map<String, Map<String, Counter>> operations = new ConcurrentHashMap<>();
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
    private final Map<String, Counter> upstreamFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> regenerations = new ConcurrentHashMap<>();
    private final Map<String, Counter> tokenCache = new ConcurrentHashMap<>();
    private final Map<String, Counter> identityProviderFailures = new ConcurrentHashMap<>();

    public OrchestratorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * The kept counter {@code name} tagged {@code tag=value}, registered on first use (as before: a counter appears
     * in /q/metrics once counted). A plain get first: the registering lambda is only built on a miss.
     */
    private Counter kept(Map<String, Counter> counters, String value, String name, String description, String tag) {
        Counter counter = counters.get(value);
        if (counter != null) {
            return counter;
        }
        return counters.computeIfAbsent(value, v -> {
            Counter.Builder builder = Counter.builder(name).description(description);
            return (tag == null ? builder : builder.tag(tag, v)).register(registry);
        });
    }

    /** A mutation (createUser, createUserKey, …) and how it ended (success or the error name). */
    public void operation(String operation, String outcome) {
        Map<String, Counter> byOutcome = operations.get(operation);
        if (byOutcome == null) {
            byOutcome = operations.computeIfAbsent(operation, o -> new ConcurrentHashMap<>());
        }
        Counter counter = byOutcome.get(outcome);
        if (counter == null) {
            counter = byOutcome.computeIfAbsent(outcome, o -> Counter.builder("orchestrator.operations")
                    .description("Mutations by operation and outcome")
                    .tag("operation", operation).tag("outcome", o)
                    .register(registry));
        }
        counter.increment();
    }

    /** A caller refused: unauthenticated, not_self, not_admin, field_policy, not_allowed_role. */
    public void refusal(String reason) {
        kept(refusals, reason, "orchestrator.authorization.refusals", "Callers refused, by reason",
                "reason").increment();
    }

    /** A LiteLLM call that failed: rejected, failed, unreachable, interrupted, timeout, breaker_open, bulkhead_full. */
    public void upstreamFailure(String kind) {
        kept(upstreamFailures, kind, "orchestrator.upstream.failures", "Failed LiteLLM calls, by kind",
                "kind").increment();
    }

    /** A key regenerated, natively by LiteLLM or by our create-and-delete fallback. */
    public void keyRegenerated(String mode) {
        kept(regenerations, mode, "orchestrator.keys.regenerated", "Keys regenerated, by mode (native or fallback)",
                "mode").increment();
    }

    /** A bearer token looked up in the verified-token cache: hit, miss, or expired (found, but past exp or before nbf). */
    public void tokenCache(String result) {
        kept(tokenCache, result, "orchestrator.token.cache", "Verified-token cache lookups, by result",
                "result").increment();
    }

    /**
     * Caffeine's statistics of one of our caches: {@code cache.gets{cache=name,result=hit|miss}} (the hit rate),
     * {@code cache.puts}, {@code cache.evictions}, {@code cache.size}. The cache must record stats.
     */
    public void cache(Cache<?, ?> cache, String name) {
        CaffeineCacheMetrics.monitor(registry, cache, name);
    }

    /** The identity provider (userinfo, JWKS) failed while a token was checked: answered 503, not 401. */
    public void identityProviderFailure() {
        kept(identityProviderFailures, "", "orchestrator.identity.provider.failures",
                "Requests answered 503 because the identity provider could not be read", null).increment();
    }
}
