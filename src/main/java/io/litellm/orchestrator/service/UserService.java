package io.litellm.orchestrator.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.CreateUserRequest;
import io.litellm.orchestrator.api.UpdateUserRequest;
import io.litellm.orchestrator.api.User;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.client.LiteLlmDtos;
import io.litellm.orchestrator.client.LiteLlmDtos.NewUserRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.UserInfo;
import io.litellm.orchestrator.client.UpstreamException;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.security.Caller;
import io.smallrye.mutiny.Uni;

/**
 * Rules for LiteLLM users: who may create them, with which budgets, and how they are shown.
 */
@ApplicationScoped
public class UserService {

    private final LiteLlmClient litellm;
    private final OrchestratorConfig config;

    public UserService(LiteLlmClient litellm, OrchestratorConfig config) {
        this.litellm = litellm;
        this.config = config;
    }

    public Uni<User> createUser(Caller caller, CreateUserRequest request) {
        if (!caller.admin() && (request.maxBudget() != null || request.budgetDuration() != null)) {
            throw ApiException.notAllowed("Only an admin may set maxBudget or budgetDuration");
        }
        String userId = request.userId();
        NewUserRequest upstream = new NewUserRequest(userId,
                request.maxBudget() != null ? request.maxBudget() : config.userDefaults().maxBudget().orElse(null),
                request.budgetDuration() != null ? request.budgetDuration()
                        : config.userDefaults().budgetDuration().orElse(null),
                false);
        return litellm.findUser(userId)
                .flatMap(existing -> {
                    if (existing.isPresent()) {
                        return Uni.createFrom().failure(alreadyExists(userId));
                    }
                    return litellm.createUser(upstream, caller.principal());
                })
                // a concurrent creation can still win the race between our check and LiteLLM's insert
                .onFailure(UserService::isDuplicate).transform(failure -> alreadyExists(userId))
                .map(created -> new User(userId, created.createdAt(), created.maxBudget(), created.budgetDuration(),
                        created.spend() != null ? created.spend() : 0.0));
    }

    public Uni<User> getUser(String userId) {
        return requireUser(userId).map(UserService::toUser);
    }

    /** Admin only (checked by the caller of this method): changes budgets or spend, then reads the user back. */
    public Uni<User> updateUser(Caller caller, String userId, UpdateUserRequest changes) {
        if (changes.changesNothing()) {
            throw ApiException.input("body: give at least one of maxBudget, budgetDuration, spend");
        }
        var upstream = new LiteLlmDtos.UpdateUserRequest(userId, changes.maxBudget(), changes.budgetDuration(),
                changes.spend());
        return requireUser(userId)
                .flatMap(existing -> litellm.updateUser(upstream, caller.principal()))
                .flatMap(updated -> getUser(userId));
    }

    /** The LiteLLM user, or 404. */
    public Uni<UserInfo> requireUser(String userId) {
        return litellm.findUser(userId)
                .map(found -> found.orElseThrow(() -> ApiException.notFound("User " + userId + " not found")));
    }

    static User toUser(UserInfo info) {
        return new User(info.userId(), info.createdAt(), info.maxBudget(), info.budgetDuration(),
                info.spend() != null ? info.spend() : 0.0);
    }

    private static ApiException alreadyExists(String userId) {
        return ApiException.conflict("User " + userId + " already exists");
    }

    private static boolean isDuplicate(Throwable failure) {
        if (!(failure instanceof UpstreamException upstream)) {
            return false;
        }
        String message = String.valueOf(upstream.getMessage()).toLowerCase();
        boolean sayDuplicate = message.contains("already exists") || message.contains("unique constraint");
        return (failure instanceof UpstreamException.Rejected rejected && (rejected.status() == 409 || sayDuplicate))
                || (failure instanceof UpstreamException.Failed && sayDuplicate);
    }
}
