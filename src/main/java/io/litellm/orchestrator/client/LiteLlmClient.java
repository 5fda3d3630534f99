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
@CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10000, successThreshold = 2, skipOn = { UpstreamException.Rejected.class, BulkheadException.class })
public class LiteLlmClient {

    private final LiteLlmApi api;
    private final OrchestratorMetrics metrics;

    public LiteLlmClient(@RestClient LiteLlmApi api, OrchestratorMetrics metrics) {
        this.api = api;
        this.metrics = metrics;
    }

    /** The user, or empty when LiteLLM does not know it (it answers 200 with {@code user_info: null}, or 404). */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = { UpstreamException.Failed.class,
            UpstreamException.Unreachable.class, UpstreamException.Interrupted.class,
            TimeoutException.class }, abortOn = UpstreamException.Rejected.class)
    public Uni<Optional<UserInfo>> findUser(String userId) {
        return guard(api.userInfo(userId))
                .map(response -> Optional.ofNullable(response.userInfo())
                        // LiteLLM may omit user_id inside user_info; the query is the authority
                        .map(info -> info.userId() != null ? info : new UserInfo(userId, info.maxBudget(),
                                info.budgetDuration(), info.spend(), info.createdAt(), info.models())))
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

    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<Void> updateKey(ObjectNode request, String changedBy) {
        return guard(api.updateKey(request, changedBy)).replaceWithVoid();
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<Void> deleteKey(String keyHash, String changedBy) {
        return guard(api.deleteKeys(new KeyDeleteRequest(List.of(keyHash)), changedBy)).replaceWithVoid();
    }

    /** LiteLLM's own regeneration (an enterprise feature): new secret, new hash, same row. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<GenerateKeyResponse> regenerateKey(String keyHash, ObjectNode request, String changedBy) {
        return guard(api.regenerateKey(keyHash, request, changedBy));
    }

    private <T> Uni<T> guard(Uni<T> call) {
        return call.onFailure().transform(UpstreamErrors::classify)
                .onFailure().invoke(failure -> metrics.upstreamFailure(UpstreamErrors.kind(failure)));
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

    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = UpstreamException.Unreachable.class)
    public Uni<Void> updateTeam(LiteLlmDtos.UpdateTeamRequest request, String changedBy) {
        return guard(api.updateTeam(request, changedBy)).replaceWithVoid();
    }

    /** One page (1-based) of a team's keys as full rows. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = { UpstreamException.Failed.class,
            UpstreamException.Unreachable.class, UpstreamException.Interrupted.class,
            TimeoutException.class }, abortOn = UpstreamException.Rejected.class)
    public Uni<KeyListResponse> listTeamKeys(String teamId, int page, int size) {
        return guard(api.listTeamKeys(teamId, page, size, true));
    }
}
