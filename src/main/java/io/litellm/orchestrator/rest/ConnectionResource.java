package io.litellm.orchestrator.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.litellm.orchestrator.client.LiteLlmProbe;
import io.litellm.orchestrator.config.LiteLlmConfig;
import io.litellm.orchestrator.security.AccessControl;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * Admin-only report on the LiteLLM connection: where it is (never the key), whether it answers, how fast, and
 * whether it accepts our master key.
 */
@Path("/health/connection")
@Authenticated
@WithinDeadline
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "operations", description = "Operator diagnostics")
@SecurityRequirement(name = "bearerAuth")
public class ConnectionResource {

    /** The report; {@code masterKeyAccepted} is null when it could not be checked. */
    public record ConnectionReport(String litellmUrl, boolean reachable, long latencyMs, Integer status,
            String problem, Boolean masterKeyAccepted) {
    }

    private final AccessControl access;
    private final LiteLlmProbe probe;
    private final LiteLlmConfig config;

    public ConnectionResource(AccessControl access, LiteLlmProbe probe, LiteLlmConfig config) {
        this.access = access;
        this.probe = probe;
        this.config = config;
    }

    @GET
    @Operation(operationId = "getLiteLlmConnection", summary = "LiteLLM reachability, latency and master-key check (admin)")
    @APIResponse(responseCode = "200", description = "The report, also when LiteLLM is down")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "500", ref = "InternalError")
    public Uni<ConnectionReport> connection() {
        access.requireAdmin();
        return probe.connection().map(result -> new ConnectionReport(config.baseUrl(), result.reachable(),
                result.latencyMs(), result.status(), result.problem(), result.masterKeyAccepted()));
    }
}
