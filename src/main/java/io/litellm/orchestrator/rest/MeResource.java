package io.litellm.orchestrator.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.litellm.orchestrator.api.Me;
import io.litellm.orchestrator.security.AccessControl;
import io.litellm.orchestrator.security.Caller;
import io.litellm.orchestrator.security.GroupAccess;
import io.litellm.orchestrator.service.KeyCeilings;
import io.quarkus.security.Authenticated;

/** Who the caller is: enough for a frontend to decide what to draw. Never calls LiteLLM. */
@Path("/me")
@Authenticated
@WithinDeadline
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "me", description = "The caller")
@SecurityRequirement(name = "bearerAuth")
@APIResponse(responseCode = "401", ref = "Unauthorized")
@APIResponse(responseCode = "403", ref = "Forbidden")
@APIResponse(responseCode = "500", ref = "InternalError")
public class MeResource {

    private final AccessControl access;
    private final GroupAccess groups;
    private final KeyCeilings ceilings;

    public MeResource(AccessControl access, GroupAccess groups, KeyCeilings ceilings) {
        this.access = access;
        this.groups = groups;
        this.ceilings = ceilings;
    }

    @GET
    @Operation(operationId = "getMe", summary = "The caller's id, whether they are an admin, the groups they may manage, and their ceilings on keys")
    @APIResponse(responseCode = "200", description = "The caller",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Me.class)))
    public Me me() {
        Caller caller = access.caller();
        return new Me(caller.principal(), caller.admin(), groups.groups(), ceilings.of(caller));
    }
}
