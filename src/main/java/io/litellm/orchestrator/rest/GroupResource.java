package io.litellm.orchestrator.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.Function;

import io.litellm.orchestrator.api.CreateUserKeyRequest;
import io.litellm.orchestrator.api.Group;
import io.litellm.orchestrator.api.GroupKey;
import io.litellm.orchestrator.api.GroupKeyList;
import io.litellm.orchestrator.api.RegenerateUserKeyRequest;
import io.litellm.orchestrator.api.UpdateGroupRequest;
import io.litellm.orchestrator.api.UpdateUserKeyRequest;
import io.litellm.orchestrator.api.UserKey;
import io.litellm.orchestrator.observability.AuditLog;
import io.litellm.orchestrator.security.AccessControl;
import io.litellm.orchestrator.security.Caller;
import io.litellm.orchestrator.security.GroupAccess;
import io.litellm.orchestrator.security.GroupAccess.GroupCaller;
import io.litellm.orchestrator.service.KeyRefs;
import io.litellm.orchestrator.service.KeyFilter;
import io.litellm.orchestrator.service.KeyOwner;
import io.litellm.orchestrator.service.TeamService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * Group-owned keys, backed by LiteLLM teams. Each route decides member/admin first, then checks that a key
 * belongs to the group's team, then calls LiteLLM.
 */
@Path("/groups/{groupRef}")
@Authenticated
@WithinDeadline
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "groups", description = "Group (team) keys")
@SecurityRequirement(name = "bearerAuth")
@APIResponse(responseCode = "400", ref = "BadRequest")
@APIResponse(responseCode = "401", ref = "Unauthorized")
@APIResponse(responseCode = "403", ref = "Forbidden")
@APIResponse(responseCode = "500", ref = "InternalError")
@APIResponse(responseCode = "502", ref = "BadGateway")
@APIResponse(responseCode = "503", ref = "ServiceUnavailable")
@APIResponse(responseCode = "504", ref = "GatewayTimeout")
public class GroupResource {

    static final String GROUP_REF_DOC = "The group: a Backstage group ref or an identity-provider group name, percent-encoded in the path";
    static final String GROUP_REF_EXAMPLE = "group:default/platform";

    private final AccessControl access;
    private final GroupAccess groups;
    private final TeamService teams;
    private final AuditLog audit;
    private final KeyRoutes routes;
    private final KeyRefs refs;

    public GroupResource(AccessControl access, GroupAccess groups, TeamService teams, AuditLog audit,
            KeyRoutes routes, KeyRefs refs) {
        this.access = access;
        this.groups = groups;
        this.teams = teams;
        this.audit = audit;
        this.routes = routes;
        this.refs = refs;
    }

    @GET
    @Operation(operationId = "getGroup", summary = "A group's team: budget, spend, models (member or admin)")
    @APIResponse(responseCode = "200", description = "The group",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Group.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<Group> getGroup(
            @Parameter(description = GROUP_REF_DOC, example = GROUP_REF_EXAMPLE) @PathParam("groupRef") @NotBlank @Size(max = 255) String groupRef) {
        return teams.getGroup(groups.requireMemberOrAdmin(groupRef), groupRef);
    }

    @PATCH
    @Operation(operationId = "updateGroup", summary = "Change a group's team budget or models (admin only)")
    @APIResponse(responseCode = "200", description = "The group as changed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Group.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<Group> updateGroup(
            @Parameter(description = GROUP_REF_DOC, example = GROUP_REF_EXAMPLE) @PathParam("groupRef") @NotBlank @Size(max = 255) String groupRef,
            @NotNull(message = "a JSON body is required") @Valid UpdateGroupRequest request) {
        return audited("updateGroup", groupRef, null, null,
                Uni.createFrom().deferred(() -> teams.updateGroup(groups.requireAdmin(groupRef), groupRef, request)));
    }

    @POST
    @Path("/keys")
    @Operation(operationId = "createGroupKey", summary = "Create a key owned by the group's team; its secret is shown only here",
            description = "Every field is optional, and so is the body. The key has no user: it outlives whoever created it (metadata.createdBy names them).")
    @APIResponse(responseCode = "201", description = "Group key created; keySecret is never shown again",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GroupKey.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    public Uni<RestResponse<GroupKey>> createGroupKey(
            @Parameter(description = GROUP_REF_DOC, example = GROUP_REF_EXAMPLE) @PathParam("groupRef") @NotBlank @Size(max = 255) String groupRef,
            @RequestBody(required = false) @Valid CreateUserKeyRequest request) {
        return routes.create(scope(groupRef), "createGroupKey", request)
                .map(key -> RestResponse.status(Status.CREATED, groupKey(groupRef, key)));
    }

    @GET
    @Path("/keys")
    @Operation(operationId = "getGroupKeys", summary = "List the group's keys (no secrets)")
    @APIResponse(responseCode = "200", description = "Group keys",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GroupKeyList.class)))
    public Uni<GroupKeyList> getGroupKeys(
            @Parameter(description = GROUP_REF_DOC, example = GROUP_REF_EXAMPLE) @PathParam("groupRef") @NotBlank @Size(max = 255) String groupRef) {
        return routes.list(scope(groupRef), () -> KeyFilter.NONE).map(GroupKeyList::new);
    }

    @GET
    @Path("/keys/{keyId}")
    @Operation(operationId = "getGroupKey", summary = "One of the group's keys (no secret), by keyId or keyRef",
            description = "With a keyRef: the key that carries it now, whatever rotations changed its keyId.")
    @APIResponse(responseCode = "200", description = "The key's row (LiteLLM's snake_case row, no secret)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "UserAPIKeyAuth")))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    public Uni<ObjectNode> getGroupKey(
            @Parameter(description = GROUP_REF_DOC, example = GROUP_REF_EXAMPLE) @PathParam("groupRef") @NotBlank @Size(max = 255) String groupRef,
            @Parameter(description = UserResource.KEY_ID_DOC, example = UserResource.KEY_ID_EXAMPLE) @PathParam("keyId") @Pattern(regexp = UserResource.KEY_ID, message = UserResource.KEY_ID_MESSAGE) String keyId) {
        return routes.get(scope(groupRef), keyId);
    }

    @PATCH
    @Path("/keys/{keyId}")
    @Operation(operationId = "updateGroupKey", summary = "Change one of the group's keys; answers its row (no secret)")
    @APIResponse(responseCode = "200", description = "The key's row as changed (LiteLLM's snake_case row, no secret)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "UserAPIKeyAuth")))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    public Uni<ObjectNode> updateGroupKey(
            @Parameter(description = GROUP_REF_DOC, example = GROUP_REF_EXAMPLE) @PathParam("groupRef") @NotBlank @Size(max = 255) String groupRef,
            @Parameter(description = UserResource.KEY_ID_DOC, example = UserResource.KEY_ID_EXAMPLE) @PathParam("keyId") @Pattern(regexp = UserResource.KEY_ID, message = UserResource.KEY_ID_MESSAGE) String keyId,
            @NotNull(message = "a JSON body is required") @Valid UpdateUserKeyRequest request) {
        return routes.update(scope(groupRef), "updateGroupKey", keyId, request);
    }

    @DELETE
    @Path("/keys/{keyId}")
    @Operation(operationId = "deleteGroupKey", summary = "Delete one of the group's keys")
    @APIResponse(responseCode = "204", description = "Group key deleted")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<RestResponse<Void>> deleteGroupKey(
            @Parameter(description = GROUP_REF_DOC, example = GROUP_REF_EXAMPLE) @PathParam("groupRef") @NotBlank @Size(max = 255) String groupRef,
            @Parameter(description = UserResource.KEY_ID_DOC, example = UserResource.KEY_ID_EXAMPLE) @PathParam("keyId") @Pattern(regexp = UserResource.KEY_ID, message = UserResource.KEY_ID_MESSAGE) String keyId) {
        return routes.delete(scope(groupRef), "deleteGroupKey", keyId).map(done -> RestResponse.noContent());
    }

    @POST
    @Path("/keys/{keyId}/regenerate")
    // the body is optional: a bare POST without Content-Type must not be a 415
    @Consumes({ MediaType.APPLICATION_JSON, MediaType.WILDCARD })
    @Operation(operationId = "regenerateGroupKey", summary = "New secret and new keyId for one of the group's keys, as regenerateUserKey (grace period, rate limit, rules)")
    @APIResponse(responseCode = "200", description = "The new key; keySecret is never shown again",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GroupKey.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "429", ref = "TooManyRequests")
    @APIResponse(responseCode = "501", ref = "NotImplemented")
    public Uni<GroupKey> regenerateGroupKey(
            @Parameter(description = GROUP_REF_DOC, example = GROUP_REF_EXAMPLE) @PathParam("groupRef") @NotBlank @Size(max = 255) String groupRef,
            @Parameter(description = UserResource.KEY_ID_DOC, example = UserResource.KEY_ID_EXAMPLE) @PathParam("keyId") @Pattern(regexp = UserResource.KEY_ID, message = UserResource.KEY_ID_MESSAGE) String keyId,
            @RequestBody(required = false, description = "Optional changes applied to the new key, and an optional grace period for the old one",
                    content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RegenerateUserKeyRequest.class)))
            @Valid RegenerateUserKeyRequest request) {
        return routes.regenerate(scope(groupRef), "regenerateGroupKey", keyId, request)
                .map(issued -> groupKey(groupRef, issued));
    }

    private static GroupKey groupKey(String groupRef, UserKey key) {
        return new GroupKey(groupRef, key.keyId(), key.keySecret(), key.keyRef());
    }

    /** A group's keys: member or admin, audited as such under the group. */
    private KeyRoutes.Scope scope(String groupRef) {
        return new KeyRoutes.Scope() {
            @Override
            public KeyRoutes.Acting authorize() {
                GroupCaller caller = groups.requireMemberOrAdmin(groupRef);
                return new KeyRoutes.Acting(caller.caller(), KeyOwner.group(caller, groupRef));
            }

            @Override
            public Uni<String> resolve(String keyIdOrRef) {
                return refs.ofGroup(groupRef, keyIdOrRef);
            }

            @Override
            public <T> Uni<T> audited(String operation, String keyId, Function<T, String> keyOf, Uni<T> mutation) {
                return GroupResource.this.audited(operation, groupRef, keyId, keyOf, mutation);
            }
        };
    }

    /** Audits as member (the group is among the caller's roles), admin, or other (refused). */
    private <T> Uni<T> audited(String operation, String groupRef, String keyId,
            java.util.function.Function<T, String> keyOf, Uni<T> mutation) {
        Caller caller = access.caller();
        String actingAs = groups.isMember(groupRef) ? "member" : caller.admin() ? "admin" : "other";
        return audit.auditedAs(operation, caller, actingAs, groupRef, keyId, keyOf, mutation);
    }
}
