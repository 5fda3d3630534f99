package io.litellm.orchestrator.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.observability.OrchestratorMetrics;

/**
 * Builds rotation services that share nothing in memory but LiteLLM, as separate replicas would: each has its own
 * in-flight set, licence memory and rate limiter.
 */
@ApplicationScoped
public class ReplicaFactory {

    private final LiteLlmClient litellm;
    private final KeyService keys;
    private final RotationClaims claims;
    private final RotationRecovery recovery;
    private final OrchestratorConfig config;
    private final OrchestratorMetrics metrics;

    public ReplicaFactory(LiteLlmClient litellm, KeyService keys, RotationClaims claims, RotationRecovery recovery,
            OrchestratorConfig config, OrchestratorMetrics metrics) {
        this.litellm = litellm;
        this.keys = keys;
        this.claims = claims;
        this.recovery = recovery;
        this.config = config;
        this.metrics = metrics;
    }

    public KeyRotationService replica() {
        return new KeyRotationService(litellm, keys, new RegenerationLimiter(config), claims, recovery, config, metrics);
    }
}
