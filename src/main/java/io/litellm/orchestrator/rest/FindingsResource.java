package io.litellm.orchestrator.rest;

import java.util.Locale;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.litellm.orchestrator.api.FindingsReport;
import io.litellm.orchestrator.api.PendingFinding;
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
                result.findings().stream().map(FindingsResource::pending).toList()));
    }

    private static PendingFinding pending(Finding finding) {
        LifecycleEvent event = finding.event();
        return new PendingFinding(event.id(), event.kind().type, event.severity(),
                event.owner().kind().name().toLowerCase(Locale.ROOT), event.owner().id(), event.keyId(),
                event.keyRef(), event.keyAlias(), finding.mark(), event.description());
    }
}
