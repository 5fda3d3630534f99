package io.litellm.orchestrator.observability;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Our own counters, next to the HTTP server/client timers and fault-tolerance metrics Quarkus already exports.
 * Tag values come from small fixed sets: never a user id, key id or secret (cardinality and privacy).
 */
@ApplicationScoped
public class OrchestratorMetrics {

    private final MeterRegistry registry;

    public OrchestratorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A mutation (createUser, createUserKey, …) and how it ended (success or the error name). */
    public void operation(String operation, String outcome) {
        Counter.builder("orchestrator.operations")
                .description("Mutations by operation and outcome")
                .tag("operation", operation).tag("outcome", outcome)
                .register(registry).increment();
    }

    /** A caller refused: unauthenticated, not_self, not_admin, field_policy, not_allowed_role. */
    public void refusal(String reason) {
        Counter.builder("orchestrator.authorization.refusals")
                .description("Callers refused, by reason")
                .tag("reason", reason)
                .register(registry).increment();
    }

    /** A LiteLLM call that failed: rejected, failed, unreachable, interrupted, timeout, breaker_open, bulkhead_full. */
    public void upstreamFailure(String kind) {
        Counter.builder("orchestrator.upstream.failures")
                .description("Failed LiteLLM calls, by kind")
                .tag("kind", kind)
                .register(registry).increment();
    }

    /** A key regenerated, natively by LiteLLM or by our create-and-delete fallback. */
    public void keyRegenerated(String mode) {
        Counter.builder("orchestrator.keys.regenerated")
                .description("Keys regenerated, by mode (native or fallback)")
                .tag("mode", mode)
                .register(registry).increment();
    }

    /** A bearer token looked up in the verified-token cache: hit, miss, or expired (found, but past exp or before nbf). */
    public void tokenCache(String result) {
        Counter.builder("orchestrator.token.cache")
                .description("Verified-token cache lookups, by result")
                .tag("result", result)
                .register(registry).increment();
    }

    /** The identity provider (userinfo, JWKS) failed while a token was checked: answered 503, not 401. */
    public void identityProviderFailure() {
        Counter.builder("orchestrator.identity.provider.failures")
                .description("Requests answered 503 because the identity provider could not be read")
                .register(registry).increment();
    }
}
