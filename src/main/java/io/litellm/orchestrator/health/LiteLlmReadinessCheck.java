package io.litellm.orchestrator.health;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.litellm.orchestrator.client.LiteLlmProbe;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Ready only while LiteLLM answers its liveliness probe: without LiteLLM this service can do nothing useful.
 * Liveness stays the process alone (no check of ours), so a LiteLLM outage never restarts our pods.
 */
@Readiness
@ApplicationScoped
public class LiteLlmReadinessCheck implements AsyncHealthCheck {

    private final LiteLlmProbe probe;

    public LiteLlmReadinessCheck(LiteLlmProbe probe) {
        this.probe = probe;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return probe.liveliness().map(result -> {
            var response = HealthCheckResponse.named("litellm").status(result.reachable())
                    .withData("latencyMs", result.latencyMs());
            if (result.problem() != null) {
                response.withData("problem", result.problem());
            }
            return response.build();
        });
    }
}
