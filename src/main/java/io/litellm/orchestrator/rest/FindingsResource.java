package io.litellm.orchestrator.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.litellm.orchestrator.events.Findings.Finding;
import io.litellm.orchestrator.events.LifecycleEvent;
import io.litellm.orchestrator.events.LifecycleScanner;
import io.litellm.orchestrator.security.AccessControl;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * Admin-only view of what the lifecycle scans would send now: keys expiring within a lead time, keys and users past
 * a budget threshold, not yet sent (no "sent" mark in LiteLLM). Reads only; nothing is marked or sent.
 */
@Path("/admin/findings")
@Authenticated
@WithinDeadline
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "operations", description = "Operator diagnostics")
@SecurityRequirement(name = "bearerAuth")
public class FindingsResource {

    /** The pending findings and what was read to find them. */
    @Schema(name = "FindingsReport")
    public record FindingsReport(
            @Schema(description = "Key rows read from LiteLLM") int keysScanned,
            @Schema(description = "Users whose budget was read") int usersScanned,
            List<PendingFinding> findings) {
    }

    /** One finding; never a secret. */
    @Schema(name = "PendingFinding")
    public record PendingFinding(
            @Schema(description = "The event's deterministic id: the same on every replica and every retry",
                    examples = "evt_3f2a9c0d1e4b5a697887766554433221") String id,
            @Schema(enumeration = { "key.expiring", "key.budget_threshold", "user.budget_threshold" }) String type,
            @Schema(enumeration = { "low", "normal", "high", "critical" }) String severity,
            @Schema(description = "user, group, or none (a team key of no group)") String ownerType,
            @Schema(description = "The user id or group ref") String owner,
            String keyId,
            String keyRef,
            String keyAlias,
            @Schema(description = "The threshold crossed, as marked in LiteLLM", examples = "expiry-7d") String threshold,
            String description) {

        static PendingFinding of(Finding finding) {
            LifecycleEvent event = finding.event();
            return new PendingFinding(event.id(), event.kind().type, event.severity(),
                    event.owner().kind().name().toLowerCase(java.util.Locale.ROOT), event.owner().id(), event.keyId(),
                    event.keyRef(), event.keyAlias(), finding.mark(), event.description());
        }
    }

    private final AccessControl access;
    private final LifecycleScanner scanner;

    public FindingsResource(AccessControl access, LifecycleScanner scanner) {
        this.access = access;
        this.scanner = scanner;
    }

    @GET
    @Operation(operationId = "getFindings", summary = "Expiry and budget findings not yet sent (admin)",
            description = "What the lifecycle scan would notify now (see orchestrator.events.scan.*); works with events off too.")
    @APIResponse(responseCode = "200", description = "The pending findings")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "502", ref = "BadGateway")
    public Uni<FindingsReport> findings() {
        access.requireAdmin();
        return scanner.pending().map(result -> new FindingsReport(result.keys(), result.users(),
                result.findings().stream().map(PendingFinding::of).toList()));
    }
}
