package io.litellm.orchestrator.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.client.LiteLlmDtos.GenerateKeyRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.GenerateKeyResponse;
import io.litellm.orchestrator.client.LiteLlmDtos.KeyDeleteRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.KeyInfoResponse;
import io.litellm.orchestrator.client.LiteLlmDtos.KeyListResponse;
import io.litellm.orchestrator.client.LiteLlmDtos.NewUserRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.NewUserResponse;
import io.litellm.orchestrator.client.LiteLlmDtos.UpdateUserRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.UserDeleteRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.UserInfoResponse;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;

/**
 * LiteLLM's management API. Package-private: everything goes through {@link LiteLlmClient}, which adds fault
 * tolerance. The master key is added here ({@link MasterKeyHeader}) and nowhere else.
 */
@RegisterRestClient(configKey = "litellm")
@RegisterProvider(MasterKeyHeader.class)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
interface LiteLlmApi {

    String CHANGED_BY = "litellm-changed-by";

    @POST
    @Path("/user/new")
    Uni<NewUserResponse> newUser(NewUserRequest body, @HeaderParam(CHANGED_BY) String changedBy);

    @POST
    @Path("/user/delete")
    Uni<JsonNode> deleteUsers(UserDeleteRequest body, @HeaderParam(CHANGED_BY) String changedBy);

    @GET
    @Path("/user/info")
    Uni<UserInfoResponse> userInfo(@QueryParam("user_id") String userId);

    @POST
    @Path("/user/update")
    Uni<JsonNode> updateUser(UpdateUserRequest body, @HeaderParam(CHANGED_BY) String changedBy);

    @POST
    @Path("/key/generate")
    Uni<GenerateKeyResponse> generateKey(GenerateKeyRequest body, @HeaderParam(CHANGED_BY) String changedBy);

    @POST
    @Path("/key/generate")
    Uni<GenerateKeyResponse> generateKeyFromJson(ObjectNode body, @HeaderParam(CHANGED_BY) String changedBy);

    @GET
    @Path("/key/list")
    Uni<KeyListResponse> listKeysByAlias(@QueryParam("key_alias") String keyAlias, @QueryParam("page") int page,
            @QueryParam("size") int size, @QueryParam("return_full_object") boolean returnFullObject);

    @GET
    @Path("/key/info")
    Uni<KeyInfoResponse> keyInfo(@QueryParam("key") String keyHash);

    /**
     * {@code /key/info} with no {@code key}: LiteLLM's info_key_fn then looks up the caller's own credential
     * ({@code key = key or user_api_key_dict.api_key}). A virtual key gets its row; the master key, which has no row,
     * gets 404 "Key not found in database".
     */
    @GET
    @Path("/key/info")
    Uni<JsonNode> ownKeyInfo();

    /** {@code /team/info} as LiteLLM answers it, metadata included. */
    @GET
    @Path("/team/info")
    Uni<JsonNode> teamInfoJson(@QueryParam("team_id") String teamId);

    /** LiteLLM's {@code /health/readiness}: {@code {"status", "db", "litellm_version", …}}. */
    @GET
    @Path("/health/readiness")
    Uni<JsonNode> readiness();

    @GET
    @Path("/key/list")
    Uni<KeyListResponse> listKeys(@QueryParam("user_id") String userId, @QueryParam("page") int page,
            @QueryParam("size") int size, @QueryParam("return_full_object") boolean returnFullObject);

    /** Every key, users' and teams' alike (the master key sees all). */
    @GET
    @Path("/key/list")
    Uni<KeyListResponse> listAllKeys(@QueryParam("page") int page, @QueryParam("size") int size,
            @QueryParam("return_full_object") boolean returnFullObject);

    @POST
    @Path("/key/update")
    Uni<JsonNode> updateKey(ObjectNode body, @HeaderParam(CHANGED_BY) String changedBy);

    /** {@code BlockKeyRequest}: the key's hash (or secret); LiteLLM updates its cached row too. */
    @POST
    @Path("/key/block")
    Uni<JsonNode> blockKey(ObjectNode body, @HeaderParam(CHANGED_BY) String changedBy);

    @POST
    @Path("/key/unblock")
    Uni<JsonNode> unblockKey(ObjectNode body, @HeaderParam(CHANGED_BY) String changedBy);

    @POST
    @Path("/key/delete")
    Uni<JsonNode> deleteKeys(KeyDeleteRequest body, @HeaderParam(CHANGED_BY) String changedBy);

    @POST
    @Path("/key/{key}/regenerate")
    Uni<GenerateKeyResponse> regenerateKey(@PathParam("key") String keyHash, ObjectNode body,
            @HeaderParam(CHANGED_BY) String changedBy);

    @GET
    @Path("/health/liveliness")
    @Produces(MediaType.WILDCARD)
    Uni<Response> liveliness();

    /** Turns every LiteLLM error status into one of our typed upstream exceptions. */
    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return UpstreamErrors.fromResponse(response);
    }
    @POST
    @Path("/team/new")
    Uni<JsonNode> newTeam(LiteLlmDtos.NewTeamRequest body, @HeaderParam(CHANGED_BY) String changedBy);

    @GET
    @Path("/team/info")
    Uni<LiteLlmDtos.TeamInfoResponse> teamInfo(@QueryParam("team_id") String teamId);

    @POST
    @Path("/team/update")
    Uni<JsonNode> updateTeam(LiteLlmDtos.UpdateTeamRequest body, @HeaderParam(CHANGED_BY) String changedBy);

    @GET
    @Path("/key/list")
    Uni<KeyListResponse> listTeamKeys(@QueryParam("team_id") String teamId, @QueryParam("page") int page,
            @QueryParam("size") int size, @QueryParam("return_full_object") boolean returnFullObject);

    /** {@code /user/info} as LiteLLM answers it: {@code user_info} is the whole user row, metadata included. */
    @GET
    @Path("/user/info")
    Uni<JsonNode> userInfoJson(@QueryParam("user_id") String userId);

    /** {@code /user/update} with a body built by rule (the lifecycle events' marks in a user's metadata). */
    @POST
    @Path("/user/update")
    Uni<JsonNode> updateUserJson(ObjectNode body, @HeaderParam(CHANGED_BY) String changedBy);
}
