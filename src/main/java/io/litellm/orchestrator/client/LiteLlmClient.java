package io.litellm.orchestrator.client;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.client.LiteLlmDtos.GenerateKeyRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.GenerateKeyResponse;
import io.litellm.orchestrator.client.LiteLlmDtos.KeyDeleteRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.KeyListResponse;
import io.litellm.orchestrator.client.LiteLlmDtos.NewUserRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.NewUserResponse;
import io.litellm.orchestrator.client.LiteLlmDtos.UpdateUserRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.UserInfo;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.smallrye.mutiny.Uni;

/**
 * The one way to LiteLLM. Every call passes {@link LiteLlmGuard}: one timeout, one bulkhead and one circuit breaker
 * for LiteLLM as a whole ({@code litellm.resilience.*}). Reads are retried on upstream trouble; writes only when the
 * request never left (connection refused), so a key is never generated twice. A 4xx is LiteLLM's answer, not its
 * failure, and a full bulkhead is our own load: neither is retried nor counted by the breaker.
 */
@ApplicationScoped
public class LiteLlmClient {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final LiteLlmApi api;
    private final OrchestratorMetrics metrics;
    private final RequestDeadline deadline;
    private final LiteLlmGuard guard;

    public LiteLlmClient(@RestClient LiteLlmApi api, OrchestratorMetrics metrics, RequestDeadline deadline,
            LiteLlmGuard guard) {
        this.api = api;
        this.metrics = metrics;
        this.deadline = deadline;
        this.guard = guard;
    }

    /**
     * The user, or empty when LiteLLM does not know it. Newer LiteLLM answers 404 "User X not found"; up to 1.80.x it
     * answers 200 with a placeholder {@code user_info: {"spend": <sum of the id's keys>}}. A real row always carries
     * its own {@code user_id} (it is the table's key), the placeholder never does: that tells them apart.
     */
    public Uni<Optional<UserInfo>> findUser(String userId) {
        return read(() -> api.userInfo(userId))
                .map(response -> Optional.ofNullable(response.userInfo()).filter(info -> info.userId() != null))
                .onFailure(LiteLlmClient::isNotFound).recoverWithItem(Optional.empty());
    }

    /** {@code /user/new}; an id that exists fails with {@link UpstreamException.Reason#DUPLICATE_USER}. */
    public Uni<NewUserResponse> createUser(NewUserRequest request, String changedBy) {
        return guard.write(() -> attempt(api.newUser(request, changedBy), UpstreamErrors::duplicateUser));
    }

    public Uni<GenerateKeyResponse> generateKey(GenerateKeyRequest request, String changedBy) {
        return write(() -> api.generateKey(request, changedBy));
    }

    /** The key row, or empty when LiteLLM does not know the hash. */
    public Uni<Optional<ObjectNode>> findKey(String keyHash) {
        return read(() -> api.keyInfo(keyHash))
                .map(response -> Optional.ofNullable(response.info()))
                .onFailure(LiteLlmClient::isNotFound).recoverWithItem(Optional.empty());
    }

    /** One page (1-based) of a user's keys as full rows. */
    public Uni<KeyListResponse> listKeys(String userId, int page, int size) {
        return read(() -> api.listKeys(userId, page, size, true));
    }

    /** One page (1-based) of every key, users' and teams', as full rows; for an admin's scan. */
    public Uni<KeyListResponse> listAllKeys(int page, int size) {
        return read(() -> api.listAllKeys(page, size, true));
    }

    public Uni<Void> updateKey(ObjectNode request, String changedBy) {
        return write(() -> api.updateKey(request, changedBy)).replaceWithVoid();
    }

    /**
     * {@code /key/update}; answers what LiteLLM wrote: the fields sent and the key's whole metadata. A key deleted
     * meanwhile fails with {@link UpstreamException.Reason#KEY_GONE}, an alias another key holds with
     * {@link UpstreamException.Reason#ALIAS_TAKEN}.
     */
    public Uni<JsonNode> changeKey(ObjectNode request, String changedBy) {
        return guard.write(() -> attempt(api.updateKey(request, changedBy), UpstreamErrors::keyWriteGone));
    }

    /**
     * Blocks ({@code true}) or unblocks a key by its hash. Unlike {@code /key/update}, which only drops LiteLLM's
     * cached key row when given the secret, these set {@code blocked} on the cached row itself, so it bites now.
     * Answers the key's row as stored. A key deleted meanwhile is a 404 (see {@link UpstreamErrors#keyGone}).
     */
    public Uni<JsonNode> setBlocked(String keyHash, boolean blocked, String changedBy) {
        ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("key", keyHash);
        return guard.write(() -> attempt(blocked ? api.blockKey(body, changedBy) : api.unblockKey(body, changedBy),
                failure -> UpstreamErrors.keyGone(failure, keyHash)));
    }

    /**
     * {@code /user/update}; answers the user's row after the change when LiteLLM's answer
     * ({@code {"user_id", "data": <row>}}) carries it, else empty (read it back then).
     */
    public Uni<Optional<UserInfo>> changeUser(UpdateUserRequest request, String changedBy) {
        return write(() -> api.updateUser(request, changedBy))
                .map(answer -> rowAfter(answer, "user_id", request.userId(), UserInfo.class));
    }

    /** The {@code data} of an update's answer as {@code type}, if it is the row of {@code id} by {@code idField}. */
    private static <T> Optional<T> rowAfter(JsonNode answer, String idField, String id, Class<T> type) {
        JsonNode row = answer.path("data");
        if (row.isObject() && id.equals(row.path(idField).asText(null))) {
            return Optional.of(JSON.convertValue(row, type));
        }
        return Optional.empty();
    }

    public Uni<Void> deleteKey(String keyHash, String changedBy) {
        return write(() -> api.deleteKeys(new KeyDeleteRequest(List.of(keyHash)), changedBy)).replaceWithVoid();
    }

    /** Deletes users (LiteLLM also removes their keys). */
    public Uni<Void> deleteUsers(List<String> userIds, String changedBy) {
        return write(() -> api.deleteUsers(new LiteLlmDtos.UserDeleteRequest(userIds), changedBy)).replaceWithVoid();
    }

    /** Deletes several keys in one call. */
    public Uni<Void> deleteKeys(List<String> keyHashes, String changedBy) {
        return write(() -> api.deleteKeys(new KeyDeleteRequest(keyHashes), changedBy)).replaceWithVoid();
    }

    /** LiteLLM's own regeneration (an enterprise feature): new secret, new hash, same row. */
    public Uni<GenerateKeyResponse> regenerateKey(String keyHash, ObjectNode request, String changedBy) {
        return write(() -> api.regenerateKey(keyHash, request, changedBy));
    }

    /** {@code /key/generate} with a body built by rule rather than a fixed record (rotation copies, claims). */
    public Uni<GenerateKeyResponse> generateKey(ObjectNode request, String changedBy) {
        return write(() -> api.generateKeyFromJson(request, changedBy));
    }

    /** Every key (full rows) that carries this alias, whoever owns it; LiteLLM's {@code /key/list?key_alias=}. */
    public Uni<KeyListResponse> listKeysByAlias(String alias) {
        return read(() -> api.listKeysByAlias(alias, 1, 100, true));
    }

    private <T> Uni<T> read(Supplier<Uni<T>> call) {
        return guard.read(() -> attempt(call.get(), UnaryOperator.identity()));
    }

    private <T> Uni<T> write(Supplier<Uni<T>> call) {
        return guard.write(() -> attempt(call.get(), UnaryOperator.identity()));
    }

    /** One attempt: within the request's deadline, its failure classified (then {@code recognise}d) and counted. */
    private <T> Uni<T> attempt(Uni<T> call, UnaryOperator<Throwable> recognise) {
        // each attempt (retries included) within the request's deadline: none starts after it
        return deadline.bound(call).onFailure().transform(UpstreamErrors::classify)
                .onFailure().transform(recognise)
                // a licence refusal is LiteLLM's answer, not its failure
                .onFailure(failure -> !(failure instanceof UpstreamException.Unlicensed))
                .invoke(failure -> metrics.upstreamFailure(UpstreamErrors.kind(failure)));
    }

    private static boolean isNotFound(Throwable failure) {
        return failure instanceof UpstreamException.Rejected rejected && rejected.status() == 404;
    }
    /** The team, or empty when LiteLLM does not know it (it answers 404 "Team not found"). */
    public Uni<Optional<LiteLlmDtos.TeamInfo>> findTeam(String teamId) {
        return read(() -> api.teamInfo(teamId))
                .map(response -> Optional.ofNullable(response.teamInfo()))
                .onFailure(LiteLlmClient::isNotFound).recoverWithItem(Optional.empty());
    }

    /** {@code /team/new}; an id that exists fails with {@link UpstreamException.Reason#DUPLICATE_TEAM}. */
    public Uni<Void> createTeam(LiteLlmDtos.NewTeamRequest request, String changedBy) {
        return guard.write(() -> attempt(api.newTeam(request, changedBy), UpstreamErrors::duplicateTeam))
                .replaceWithVoid();
    }

    /**
     * {@code /team/update}; answers the team's row after the change when LiteLLM's answer
     * ({@code {"team_id", "data": <row>}}) carries it, else empty (read it back then). An unknown team fails with
     * 404 "Team not found" (it does not upsert): {@link UpstreamException.Reason#UNKNOWN_TEAM}.
     */
    public Uni<Optional<LiteLlmDtos.TeamInfo>> changeTeam(LiteLlmDtos.UpdateTeamRequest request, String changedBy) {
        return write(() -> api.updateTeam(request, changedBy))
                .map(answer -> rowAfter(answer, "team_id", request.teamId(), LiteLlmDtos.TeamInfo.class));
    }

    /** One page (1-based) of a team's keys as full rows. */
    public Uni<KeyListResponse> listTeamKeys(String teamId, int page, int size) {
        return read(() -> api.listTeamKeys(teamId, page, size, true));
    }

    /** The user's whole row ({@code user_info}, metadata included), or empty when LiteLLM does not know the user. */
    public Uni<Optional<ObjectNode>> findUserRow(String userId) {
        return read(() -> api.userInfoJson(userId))
                .map(response -> Optional.of(response.path("user_info"))
                        .filter(info -> info.isObject() && info.hasNonNull("user_id")).map(ObjectNode.class::cast))
                .onFailure(LiteLlmClient::isNotFound).recoverWithItem(Optional.empty());
    }

    /** Writes a user's whole metadata ({@code /user/update} replaces the object; send every field to keep). */
    public Uni<JsonNode> setUserMetadata(String userId, ObjectNode metadata, String changedBy) {
        ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("user_id", userId);
        body.set("metadata", metadata);
        return write(() -> api.updateUserJson(body, changedBy));
    }

    /** Writes a key's whole metadata ({@code /key/update} replaces the object; send every field to keep). */
    public Uni<JsonNode> setKeyMetadata(String keyHash, ObjectNode metadata, String changedBy) {
        return changeKey(KeyBody.update(keyHash).metadata(metadata).json(), changedBy);
    }
}
