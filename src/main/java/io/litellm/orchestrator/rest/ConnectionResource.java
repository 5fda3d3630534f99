package io.litellm.orchestrator.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.litellm.orchestrator.client.LiteLlmProbe;
import io.litellm.orchestrator.config.LiteLlmConfig;
import io.litellm.orchestrator.security.AccessControl;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * Admin-only report on the LiteLLM connection: where it is (never the key), whether it answers, how fast, whether it
 * accepts our credential ({@code litellm.master-key}: the master key or an admin virtual key), which kind it is, and
 * whether LiteLLM's audit log honours our {@code LiteLLM-Changed-By} header with it.
 */
@Path("/health/connection")
@Authenticated
@WithinDeadline
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "operations", description = "Operator diagnostics")
@SecurityRequirement(name = "bearerAuth")
public class ConnectionResource {

    /** The report; a null field could not be checked. */
    public record ConnectionReport(
            String litellmUrl,
            boolean reachable,
            long latencyMs,
            Integer status,
            String problem,
            @Schema(description = "Whether LiteLLM accepts the configured credential (litellm.master-key), master key or admin virtual key")
            Boolean masterKeyAccepted,
            @Schema(description = "Which kind of credential litellm.master-key holds, as LiteLLM sees it: master_key (no key row) or virtual_key",
                    enumeration = { "master_key", "virtual_key" })
            String credential,
            @Schema(description = "Whether LiteLLM's own audit log names the person from our LiteLLM-Changed-By header: since "
                    + "LiteLLM 1.84.0 only for a virtual key (or its team) with allow_litellm_changed_by_header: true in its "
                    + "metadata, never for the master key; before 1.84.0 always")
            Boolean changedByHonoured,
            @Schema(description = "LiteLLM's version as its /health/readiness reports it")
            String litellmVersion) {
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
    @Operation(operationId = "getLiteLlmConnection", summary = "LiteLLM reachability, latency, credential check and attribution (admin)")
    @APIResponse(responseCode = "200", description = "The report, also when LiteLLM is down")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "500", ref = "InternalError")
    public Uni<ConnectionReport> connection() {
        access.requireAdmin();
        return probe.connection().map(result -> {
            LiteLlmProbe.Credential credential = result.credential();
            String kind = credential.kind() == null ? null : credential.kind().name().toLowerCase(java.util.Locale.ROOT);
            return new ConnectionReport(config.baseUrl(), result.reachable(), result.latencyMs(), result.status(),
                    result.problem(), result.masterKeyAccepted(), kind, credential.changedByHonoured(),
                    credential.litellmVersion());
        });
    }
}
