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
import jakarta.ws.rs.QueryParam;
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
import io.litellm.orchestrator.api.CreateUserRequest;
import io.litellm.orchestrator.client.Durations;
import io.litellm.orchestrator.api.RegenerateUserKeyRequest;
import io.litellm.orchestrator.api.UpdateUserKeyRequest;
import io.litellm.orchestrator.api.UpdateUserRequest;
import io.litellm.orchestrator.api.User;
import io.litellm.orchestrator.api.UserKey;
import io.litellm.orchestrator.api.UserKeyList;
import io.litellm.orchestrator.observability.AuditLog;
import io.litellm.orchestrator.security.AccessControl;
import io.litellm.orchestrator.service.KeyFilter;
import io.litellm.orchestrator.service.KeyRefs;
import io.litellm.orchestrator.service.KeyOwner;
import io.litellm.orchestrator.service.UserService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * The Backstage plugin's routes. Each one decides self/admin first, then checks ownership, then calls LiteLLM.
 */
@Path("/users")
@Authenticated
@WithinDeadline
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "users", description = "User management")
@SecurityRequirement(name = "bearerAuth")
// failures every route can meet; the error responses live in META-INF/openapi.yaml with their examples
@APIResponse(responseCode = "400", ref = "BadRequest")
@APIResponse(responseCode = "401", ref = "Unauthorized")
@APIResponse(responseCode = "403", ref = "Forbidden")
@APIResponse(responseCode = "500", ref = "InternalError")
@APIResponse(responseCode = "502", ref = "BadGateway")
@APIResponse(responseCode = "503", ref = "ServiceUnavailable")
@APIResponse(responseCode = "504", ref = "GatewayTimeout")
public class UserResource {

    /**
     * LiteLLM key hashes are SHA-256 hex, our key references {@code kr_} and base32; anything else (a secret above
     * all) is refused before use.
     */
    static final String KEY_ID = "^(" + KeyRefs.KEY_ID + "|" + KeyRefs.KEY_REF + ")$";
    static final String USER_ID_DOC = "The user id, a Backstage entity ref percent-encoded in the path";
    static final String USER_ID_EXAMPLE = "user:default/jane.doe";
    static final String KEY_ID_DOC = "The key id (LiteLLM's token hash) or the key's stable reference (keyRef, kr_…), never the key itself";
    static final String KEY_ID_EXAMPLE = "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b";
    static final String EXPIRING_WITHIN_DOC = "Only keys that expire within this LiteLLM duration from now (already expired ones included); 1mo is a calendar month";
    static final String BUDGET_USED_ABOVE_DOC = "Only keys whose spend is above this share of their max_budget (keys without a budget never match)";
    static final String KEY_ID_MESSAGE = "must be a key id (the 64-character hex token hash) or a key reference (kr_…), never the key itself";

    private final AccessControl access;
    private final UserService users;
    private final AuditLog audit;
    private final KeyRoutes routes;
    private final KeyRefs refs;

    public UserResource(AccessControl access, UserService users, AuditLog audit, KeyRoutes routes, KeyRefs refs) {
        this.access = access;
        this.users = users;
        this.audit = audit;
        this.routes = routes;
        this.refs = refs;
    }

    @POST
    @Operation(operationId = "createUser", summary = "Create a LiteLLM user (self, or anyone as admin)",
            description = "The Backstage frontend sends {userId}. Only an admin may set maxBudget or budgetDuration.")
    @APIResponse(responseCode = "201", description = "User created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = User.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    public Uni<RestResponse<User>> createUser(@NotNull(message = "a JSON body with userId is required") @Valid CreateUserRequest request) {
        return audit.audited("createUser", access.caller(), request.userId(), null, null,
                Uni.createFrom().deferred(() -> users.createUser(access.requireSelfOrAdmin(request.userId()), request)))
                .map(user -> RestResponse.status(Status.CREATED, user));
    }

    @GET
    @Path("/{userId}")
    @Operation(operationId = "getUser", summary = "Read a user (self or admin)")
    @APIResponse(responseCode = "200", description = "User found",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = User.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<User> getUser(
            @Parameter(description = USER_ID_DOC, example = USER_ID_EXAMPLE) @PathParam("userId") @NotBlank @Size(max = 255) String userId) {
        return users.getUser(access.requireSelfOrAdmin(userId), userId);
    }

    @POST
    @Path("/{userId}/keys")
    @Operation(operationId = "createUserKey", summary = "Create a key for a user; its secret is shown only here",
            description = "The Backstage frontend sends {}; every field is optional, and so is the body.")
    @APIResponse(responseCode = "201", description = "User key created; keySecret is never shown again",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserKey.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    public Uni<RestResponse<UserKey>> createUserKey(
            @Parameter(description = USER_ID_DOC, example = USER_ID_EXAMPLE) @PathParam("userId") @NotBlank @Size(max = 255) String userId,
            @RequestBody(required = false) @Valid CreateUserKeyRequest request) {
        return routes.create(scope(userId), "createUserKey", request).map(key -> RestResponse.status(Status.CREATED, key));
    }

    @GET
    @Path("/{userId}/keys")
    @Operation(operationId = "getUserKeys", summary = "List a user's keys (no secrets), optionally only those about to break",
            description = "Rows carry spend, max_budget, expires and, where the LiteLLM release has it, last_active. "
                    + "With expiringWithin and/or budgetUsedAbove only the keys that match every filter given are listed.")
    @APIResponse(responseCode = "200", description = "User keys found",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserKeyList.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<UserKeyList> getUserKeys(@Parameter(description = USER_ID_DOC, example = USER_ID_EXAMPLE) @PathParam("userId") @NotBlank @Size(max = 255) String userId,
            @Parameter(description = EXPIRING_WITHIN_DOC, example = "7d") @QueryParam("expiringWithin") @Pattern(regexp = Durations.PATTERN, message = Durations.MESSAGE) String expiringWithin,
            @Parameter(description = BUDGET_USED_ABOVE_DOC, example = "0.8") @QueryParam("budgetUsedAbove") @Pattern(regexp = KeyFilter.SHARE, message = KeyFilter.SHARE_MESSAGE) String budgetUsedAbove) {
        return routes.list(scope(userId), () -> KeyFilter.of(expiringWithin, budgetUsedAbove)).map(UserKeyList::new);
    }

    @GET
    @Path("/{userId}/keys/{keyId}")
    @Operation(operationId = "getUserKey", summary = "One of the user's keys (no secret), by keyId or keyRef",
            description = "With a keyRef: the key that carries it now, whatever rotations changed its keyId.")
    @APIResponse(responseCode = "200", description = "The key's row (LiteLLM's snake_case row, no secret)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "UserAPIKeyAuth")))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    public Uni<ObjectNode> getUserKey(
            @Parameter(description = USER_ID_DOC, example = USER_ID_EXAMPLE) @PathParam("userId") @NotBlank @Size(max = 255) String userId,
            @Parameter(description = KEY_ID_DOC, example = KEY_ID_EXAMPLE) @PathParam("keyId") @Pattern(regexp = KEY_ID, message = KEY_ID_MESSAGE) String keyId) {
        return routes.get(scope(userId), keyId);
    }

    @DELETE
    @Path("/{userId}/keys/{keyId}")
    @Operation(operationId = "deleteUserKey", summary = "Delete one of the user's keys")
    @APIResponse(responseCode = "204", description = "User key deleted")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<RestResponse<Void>> deleteUserKey(
            @Parameter(description = USER_ID_DOC, example = USER_ID_EXAMPLE) @PathParam("userId") @NotBlank @Size(max = 255) String userId,
            @Parameter(description = KEY_ID_DOC, example = KEY_ID_EXAMPLE) @PathParam("keyId") @Pattern(regexp = KEY_ID, message = KEY_ID_MESSAGE) String keyId) {
        return routes.delete(scope(userId), "deleteUserKey", keyId).map(done -> RestResponse.noContent());
    }

    @PATCH
    @Path("/{userId}")
    @Operation(operationId = "updateUser", summary = "Change a user's budget or spend (admin only)")
    @APIResponse(responseCode = "200", description = "The user as changed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = User.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<User> updateUser(
            @Parameter(description = USER_ID_DOC, example = USER_ID_EXAMPLE) @PathParam("userId") @NotBlank @Size(max = 255) String userId,
            @NotNull(message = "a JSON body is required") @Valid UpdateUserRequest request) {
        return audit.audited("updateUser", access.caller(), userId, null, null,
                Uni.createFrom().deferred(() -> users.updateUser(access.requireAdmin(), userId, request)));
    }

    @PATCH
    @Path("/{userId}/keys/{keyId}")
    @Operation(operationId = "updateUserKey", summary = "Change one of the user's keys; answers its row (no secret)")
    @APIResponse(responseCode = "200", description = "The key's row as changed (LiteLLM's snake_case row, no secret)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "UserAPIKeyAuth")))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    public Uni<ObjectNode> updateUserKey(
            @Parameter(description = USER_ID_DOC, example = USER_ID_EXAMPLE) @PathParam("userId") @NotBlank @Size(max = 255) String userId,
            @Parameter(description = KEY_ID_DOC, example = KEY_ID_EXAMPLE) @PathParam("keyId") @Pattern(regexp = KEY_ID, message = KEY_ID_MESSAGE) String keyId,
            @NotNull(message = "a JSON body is required") @Valid UpdateUserKeyRequest request) {
        return routes.update(scope(userId), "updateUserKey", keyId, request);
    }

    @POST
    @Path("/{userId}/keys/{keyId}/regenerate")
    // the body is optional: a bare POST without Content-Type must not be a 415
    @Consumes({ MediaType.APPLICATION_JSON, MediaType.WILDCARD })
    @Operation(operationId = "regenerateUserKey", summary = "New secret and new keyId for one of the user's keys; the old secret stops working, at once or after gracePeriod",
            description = "Concurrent regenerations of one key: one succeeds, the others get 409. With gracePeriod the old key stays "
                    + "listed, marked rotated_to/rotated_at in its metadata, and expires then.")
    @APIResponse(responseCode = "200", description = "The new key; keySecret is never shown again",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserKey.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "429", ref = "TooManyRequests")
    @APIResponse(responseCode = "501", ref = "NotImplemented")
    public Uni<UserKey> regenerateUserKey(
            @Parameter(description = USER_ID_DOC, example = USER_ID_EXAMPLE) @PathParam("userId") @NotBlank @Size(max = 255) String userId,
            @Parameter(description = KEY_ID_DOC, example = KEY_ID_EXAMPLE) @PathParam("keyId") @Pattern(regexp = KEY_ID, message = KEY_ID_MESSAGE) String keyId,
            @RequestBody(required = false, description = "Optional changes applied to the new key, and the old secret's grace period",
                    content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RegenerateUserKeyRequest.class)))
            @Valid RegenerateUserKeyRequest request) {
        return routes.regenerate(scope(userId), "regenerateUserKey", keyId, request);
    }

    /** A user's keys: self or admin, audited under the user. */
    private KeyRoutes.Scope scope(String userId) {
        return new KeyRoutes.Scope() {
            @Override
            public KeyRoutes.Acting authorize() {
                return new KeyRoutes.Acting(access.requireSelfOrAdmin(userId), KeyOwner.user(userId));
            }

            @Override
            public Uni<String> resolve(String keyIdOrRef) {
                return refs.ofUser(userId, keyIdOrRef);
            }

            @Override
            public <T> Uni<T> audited(String operation, String keyId, Function<T, String> keyOf, Uni<T> mutation) {
                return audit.audited(operation, access.caller(), userId, keyId, keyOf, mutation);
            }
        };
    }
}
