package io.litellm.orchestrator.rest;

import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.litellm.orchestrator.client.Durations;
import io.litellm.orchestrator.api.KeyPage;
import io.litellm.orchestrator.security.AccessControl;
import io.litellm.orchestrator.service.KeyFilter;
import io.litellm.orchestrator.service.KeyService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** An admin's view of every key, users' and groups', filtered to what is about to break; paged by a cursor. */
@Path("/keys")
@Authenticated
@WithinDeadline
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "keys", description = "Every key (admin)")
@SecurityRequirement(name = "bearerAuth")
@APIResponse(responseCode = "400", ref = "BadRequest")
@APIResponse(responseCode = "401", ref = "Unauthorized")
@APIResponse(responseCode = "403", ref = "Forbidden")
@APIResponse(responseCode = "500", ref = "InternalError")
@APIResponse(responseCode = "502", ref = "BadGateway")
@APIResponse(responseCode = "503", ref = "ServiceUnavailable")
@APIResponse(responseCode = "504", ref = "GatewayTimeout")
public class KeyResource {

    static final String CURSOR = "^[1-9][0-9]{0,8}$";

    private final AccessControl access;
    private final KeyService keys;

    public KeyResource(AccessControl access, KeyService keys) {
        this.access = access;
        this.keys = keys;
    }

    @GET
    @Operation(operationId = "getKeys", summary = "Every user's and group's keys that match the filters (admin only), a stretch at a time",
            description = "Reads LiteLLM's key list a few pages per request (orchestrator.key-scan.pages-per-request, and never "
                    + "past the request's deadline) and answers the matching rows of those pages with nextCursor; call again "
                    + "with cursor=nextCursor until it is null. A stretch may hold no match and still have a cursor.")
    @APIResponse(responseCode = "200", description = "Matching keys of the pages read, and where to go on",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KeyPage.class)))
    public Uni<KeyPage> getKeys(
            @Parameter(description = UserResource.EXPIRING_WITHIN_DOC, example = "7d") @QueryParam("expiringWithin") @Pattern(regexp = Durations.PATTERN, message = Durations.MESSAGE) String expiringWithin,
            @Parameter(description = UserResource.BUDGET_USED_ABOVE_DOC, example = "0.8") @QueryParam("budgetUsedAbove") @Pattern(regexp = KeyFilter.SHARE, message = KeyFilter.SHARE_MESSAGE) String budgetUsedAbove,
            @Parameter(description = "nextCursor of the previous answer; absent: from the start") @QueryParam("cursor") @Pattern(regexp = CURSOR, message = "must be the nextCursor of a previous answer") String cursor) {
        access.requireAdmin();
        return keys.scanKeys(KeyFilter.of(expiringWithin, budgetUsedAbove), cursor == null ? 1 : Integer.parseInt(cursor));
    }
}
