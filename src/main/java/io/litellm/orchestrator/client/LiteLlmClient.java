package io.litellm.orchestrator.client;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
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
 * The one way to LiteLLM. Every call has a timeout, a bulkhead and a circuit breaker (values in
 * {@code application.properties}, {@code quarkus.fault-tolerance."…LiteLlmClient…".*}). Reads are retried on
 * upstream trouble; writes only when the request never left (connection refused), so a key is never generated
 * twice. A 4xx is LiteLLM's answer, not its failure, and a full bulkhead is our own load: neither is retried nor
 * counted by the breaker.
 */
@ApplicationScoped
@Timeout(5000)
@Bulkhead(value = 32, waitingTaskQueue = 64)
@CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10000, successThreshold = 2, skipOn = { UpstreamException.Rejected.class, UpstreamException.Unlicensed.class, BulkheadException.class })
public class LiteLlmClient {

    private final LiteLlmApi api;
    private final OrchestratorMetrics metrics;
    private final RequestDeadline deadline;

    public LiteLlmClient(@RestClient LiteLlmApi api, OrchestratorMetrics metrics, RequestDeadline deadline) {
        this.api = api;
        this.metrics = metrics;
        this.deadline = deadline;
    }

    /**
     * The user, or empty when LiteLLM does not know it. Newer LiteLLM answers 404 "User X not found"; up to 1.80.x it
     * answers 200 with a placeholder {@code user_info: {"spend": <sum of the id's keys>}}. A real row always carries
     * its own {@code user_id} (it is the table's key), the placeholder never does: that tells them apart.
     */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = { UpstreamException.Failed.class,
            UpstreamException.Unreachable.class, UpstreamException.Interrupted.class,
            TimeoutException.class }, abortOn = UpstreamException.Rejected.class)
    public Uni<Optional<UserInfo>> findUser(String userId) {
        return guard(api.userInfo(userId))
                .map(response -> Optional.ofNullable(response.userInfo()).filter(info -> info.userId() != null))
                .onFailure(LiteLlmClient::isNotFound).recoverWithItem(Optional.empty());
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<NewUserResponse> createUser(NewUserRequest request, String changedBy) {
        return guard(api.newUser(request, changedBy));
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<Void> updateUser(UpdateUserRequest request, String changedBy) {
        return guard(api.updateUser(request, changedBy)).replaceWithVoid();
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<GenerateKeyResponse> generateKey(GenerateKeyRequest request, String changedBy) {
        return guard(api.generateKey(request, changedBy));
    }

    /** The key row, or empty when LiteLLM does not know the hash. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = { UpstreamException.Failed.class,
            UpstreamException.Unreachable.class, UpstreamException.Interrupted.class,
            TimeoutException.class }, abortOn = UpstreamException.Rejected.class)
    public Uni<Optional<ObjectNode>> findKey(String keyHash) {
        return guard(api.keyInfo(keyHash))
                .map(response -> Optional.ofNullable(response.info()))
                .onFailure(LiteLlmClient::isNotFound).recoverWithItem(Optional.empty());
    }

    /** One page (1-based) of a user's keys as full rows. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = { UpstreamException.Failed.class,
            UpstreamException.Unreachable.class, UpstreamException.Interrupted.class,
            TimeoutException.class }, abortOn = UpstreamException.Rejected.class)
    public Uni<KeyListResponse> listKeys(String userId, int page, int size) {
        return guard(api.listKeys(userId, page, size, true));
    }

    /** One page (1-based) of every key, users' and teams', as full rows; for an admin's scan. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = { UpstreamException.Failed.class,
            UpstreamException.Unreachable.class, UpstreamException.Interrupted.class,
            TimeoutException.class }, abortOn = UpstreamException.Rejected.class)
    public Uni<KeyListResponse> listAllKeys(int page, int size) {
        return guard(api.listAllKeys(page, size, true));
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<Void> updateKey(ObjectNode request, String changedBy) {
        return guard(api.updateKey(request, changedBy)).replaceWithVoid();
    }

    /** {@code /key/update}; answers what LiteLLM wrote: the fields sent and the key's whole metadata. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<JsonNode> changeKey(ObjectNode request, String changedBy) {
        return guard(api.updateKey(request, changedBy));
    }

    /**
     * Blocks ({@code true}) or unblocks a key by its hash. Unlike {@code /key/update}, which only drops LiteLLM's
     * cached key row when given the secret, these set {@code blocked} on the cached row itself, so it bites now.
     * Answers the key's row as stored.
     */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<JsonNode> setBlocked(String keyHash, boolean blocked, String changedBy) {
        ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("key", keyHash);
        return guard(blocked ? api.blockKey(body, changedBy) : api.unblockKey(body, changedBy));
    }

    /** {@code /user/update}; answers {@code {"user_id", "data": <the user's row after the change>}}. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<JsonNode> changeUser(UpdateUserRequest request, String changedBy) {
        return guard(api.updateUser(request, changedBy));
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<Void> deleteKey(String keyHash, String changedBy) {
        return guard(api.deleteKeys(new KeyDeleteRequest(List.of(keyHash)), changedBy)).replaceWithVoid();
    }

    /** Deletes users (LiteLLM also removes their keys). */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<Void> deleteUsers(List<String> userIds, String changedBy) {
        return guard(api.deleteUsers(new LiteLlmDtos.UserDeleteRequest(userIds), changedBy)).replaceWithVoid();
    }

    /** Deletes several keys in one call. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<Void> deleteKeys(List<String> keyHashes, String changedBy) {
        return guard(api.deleteKeys(new KeyDeleteRequest(keyHashes), changedBy)).replaceWithVoid();
    }

    /** LiteLLM's own regeneration (an enterprise feature): new secret, new hash, same row. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<GenerateKeyResponse> regenerateKey(String keyHash, ObjectNode request, String changedBy) {
        return guard(api.regenerateKey(keyHash, request, changedBy));
    }

    /** {@code /key/generate} with a body built by rule rather than a fixed record (rotation copies, claims). */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<GenerateKeyResponse> generateKey(ObjectNode request, String changedBy) {
        return guard(api.generateKeyFromJson(request, changedBy));
    }

    /** Every key (full rows) that carries this alias, whoever owns it; LiteLLM's {@code /key/list?key_alias=}. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = { UpstreamException.Failed.class,
            UpstreamException.Unreachable.class, UpstreamException.Interrupted.class,
            TimeoutException.class }, abortOn = UpstreamException.Rejected.class)
    public Uni<KeyListResponse> listKeysByAlias(String alias) {
        return guard(api.listKeysByAlias(alias, 1, 100, true));
    }

    private <T> Uni<T> guard(Uni<T> call) {
        // each attempt (retries included) within the request's deadline: none starts after it
        return deadline.bound(call).onFailure().transform(UpstreamErrors::classify)
                // a licence refusal is LiteLLM's answer, not its failure
                .onFailure(failure -> !(failure instanceof UpstreamException.Unlicensed))
                .invoke(failure -> metrics.upstreamFailure(UpstreamErrors.kind(failure)));
    }

    private static boolean isNotFound(Throwable failure) {
        return failure instanceof UpstreamException.Rejected rejected && rejected.status() == 404;
    }
    /** The team, or empty when LiteLLM does not know it (it answers 404 "Team not found"). */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = { UpstreamException.Failed.class,
            UpstreamException.Unreachable.class, UpstreamException.Interrupted.class,
            TimeoutException.class }, abortOn = UpstreamException.Rejected.class)
    public Uni<Optional<LiteLlmDtos.TeamInfo>> findTeam(String teamId) {
        return guard(api.teamInfo(teamId))
                .map(response -> Optional.ofNullable(response.teamInfo()))
                .onFailure(LiteLlmClient::isNotFound).recoverWithItem(Optional.empty());
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<Void> createTeam(LiteLlmDtos.NewTeamRequest request, String changedBy) {
        return guard(api.newTeam(request, changedBy)).replaceWithVoid();
    }

    /**
     * {@code /team/update}; answers {@code {"team_id", "data": <the team's row after the change>}}, or 404 "Team not
     * found" for an unknown team (it does not upsert).
     */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<JsonNode> changeTeam(LiteLlmDtos.UpdateTeamRequest request, String changedBy) {
        return guard(api.updateTeam(request, changedBy));
    }

    /** One page (1-based) of a team's keys as full rows. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = { UpstreamException.Failed.class,
            UpstreamException.Unreachable.class, UpstreamException.Interrupted.class,
            TimeoutException.class }, abortOn = UpstreamException.Rejected.class)
    public Uni<KeyListResponse> listTeamKeys(String teamId, int page, int size) {
        return guard(api.listTeamKeys(teamId, page, size, true));
    }
}
