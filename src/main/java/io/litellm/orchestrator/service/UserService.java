package io.litellm.orchestrator.service;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;


import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.CreateUserRequest;
import io.litellm.orchestrator.api.ErrorKind;
import io.litellm.orchestrator.api.UpdateUserRequest;
import io.litellm.orchestrator.api.User;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.client.LiteLlmDtos;
import io.litellm.orchestrator.client.LiteLlmDtos.NewUserRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.UserInfo;
import io.litellm.orchestrator.client.UpstreamException;
import io.litellm.orchestrator.client.UpstreamException.Reason;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.observability.AuditLog;
import io.litellm.orchestrator.security.Caller;
import io.smallrye.mutiny.Uni;

/**
 * Rules for LiteLLM users: who may create them, with which budgets, and how they are shown.
 */
@ApplicationScoped
public class UserService {


    private final LiteLlmClient litellm;
    private final OrchestratorConfig config;
    private final AuditLog audit;
    private final KnownUsers known;
    /** Automatic creations in flight, by user id. */
    private final Map<String, Uni<UserInfo>> creating = new ConcurrentHashMap<>();

    public UserService(LiteLlmClient litellm, OrchestratorConfig config, AuditLog audit, KnownUsers known) {
        this.litellm = litellm;
        this.config = config;
        this.audit = audit;
        this.known = known;
    }

    /** {@code /user/info}; what it answers about the user's existence goes into {@link KnownUsers}. */
    private Uni<Optional<UserInfo>> findUser(String userId) {
        return litellm.findUser(userId).invoke(found -> {
            if (found.isPresent()) {
                known.remember(userId);
            } else {
                known.forget(userId);
            }
        });
    }

    public Uni<User> createUser(Caller caller, CreateUserRequest request) {
        if (!caller.admin() && (request.maxBudget() != null || request.budgetDuration() != null)) {
            throw ApiException.notAllowed("Only an admin may set maxBudget or budgetDuration");
        }
        String userId = request.userId();
        NewUserRequest defaults = defaultsFor(userId);
        NewUserRequest upstream = new NewUserRequest(userId,
                request.maxBudget() != null ? request.maxBudget() : defaults.maxBudget(),
                request.budgetDuration() != null ? request.budgetDuration() : defaults.budgetDuration(), false);
        // the check first: up to 1.80.x /user/new of an existing id silently keeps the old row and answers 200
        return findUser(userId)
                .flatMap(existing -> {
                    if (existing.isPresent()) {
                        return Uni.createFrom().failure(alreadyExists(userId));
                    }
                    return litellm.createUser(upstream, caller.principal())
                            .invoke(created -> known.remember(userId));
                })
                // a concurrent creation can still win the race between our check and LiteLLM's insert
                .onFailure(UpstreamException.because(Reason.DUPLICATE_USER)).transform(failure -> alreadyExists(userId))
                .map(created -> new UserInfo(userId, created.maxBudget(), created.budgetDuration(),
                        created.spend() != null ? created.spend() : 0.0, created.createdAt(), List.of()))
                .flatMap(this::withCreatedAt)
                .map(UserService::toUser);
    }

    public Uni<User> getUser(Caller caller, String userId) {
        return findUser(userId).flatMap(found -> {
            if (found.isPresent()) {
                return Uni.createFrom().item(found.get());
            }
            if (config.autoCreateUsers() && caller.isSelf(userId)) {
                // only a user created just now lacks created_at
                return autoCreate(caller, userId).flatMap(this::withCreatedAt);
            }
            return Uni.createFrom().failure(ApiException.notFound("User " + userId + " not found"));
        }).map(UserService::toUser);
    }

    /**
     * {@code /user/new} without a key ({@code auto_create_key: false}) answers no {@code created_at}: LiteLLM
     * returns the fields it was given. Where the user is shown, read it back once; lazy creation inside other
     * routes never needs it.
     */
    private Uni<UserInfo> withCreatedAt(UserInfo user) {
        if (user.createdAt() != null) {
            return Uni.createFrom().item(user);
        }
        return findUser(user.userId()).map(found -> found.orElse(user));
    }

    /**
     * The LiteLLM user, or 404. A caller acting on their own, unknown user gets it created first (when
     * {@code orchestrator.auto-create-users} is on); never for someone else's id.
     */
    public Uni<UserInfo> requireUser(Caller caller, String userId) {
        return findUser(userId).flatMap(found -> {
            if (found.isPresent()) {
                return Uni.createFrom().item(found.get());
            }
            if (config.autoCreateUsers() && caller.isSelf(userId)) {
                return autoCreate(caller, userId);
            }
            return Uni.createFrom().failure(ApiException.notFound("User " + userId + " not found"));
        });
    }

    /**
     * Creates the caller's user once, however many of their first requests arrive together: they all share one
     * creation. A duplicate from LiteLLM (another replica won the race) is fine: we read the user back.
     */
    private Uni<UserInfo> autoCreate(Caller caller, String userId) {
        return creating.computeIfAbsent(userId, id -> audit.audited("createUser(auto)", caller, id, null, null,
                litellm.createUser(defaultsFor(id), caller.principal())
                        .invoke(created -> known.remember(id))
                        .map(created -> new UserInfo(id, created.maxBudget(), created.budgetDuration(),
                                created.spend() != null ? created.spend() : 0.0, created.createdAt(), List.of()))
                        .onFailure(UpstreamException.because(Reason.DUPLICATE_USER)).recoverWithUni(() -> requireExisting(id))
                        .onFailure(failure -> !(failure instanceof ApiException)).transform(failure ->
                                new ApiException(ErrorKind.BAD_GATEWAY, "Could not create your LiteLLM user: "
                                        + failure.getMessage(), null, failure)))
                .onTermination().invoke(() -> creating.remove(id))
                .memoize().indefinitely());
    }

    private Uni<UserInfo> requireExisting(String userId) {
        return findUser(userId).map(found -> found.orElseThrow(() -> new ApiException(ErrorKind.BAD_GATEWAY,
                "LiteLLM reported user " + userId + " as existing but does not return it", null, null)));
    }

    private NewUserRequest defaultsFor(String userId) {
        return new NewUserRequest(userId, config.userDefaults().maxBudget().orElse(null),
                config.userDefaults().budgetDuration().orElse(null), false);
    }

    /** Admin only (checked by the caller of this method): changes budgets or spend, then reads the user back. */
    public Uni<User> updateUser(Caller caller, String userId, UpdateUserRequest changes) {
        if (changes.changesNothing()) {
            throw ApiException.input("body: give at least one of maxBudget, budgetDuration, spend");
        }
        var upstream = new LiteLlmDtos.UpdateUserRequest(userId, changes.maxBudget(), changes.budgetDuration(),
                changes.spend());
        // the check first: /user/update upserts, so an unknown id would be created rather than refused
        return requireUser(userId)
                .flatMap(existing -> litellm.changeUser(upstream, caller.principal()))
                // /user/update answers the row after the change; read it back only if an answer lacks it
                .flatMap(after -> after.isPresent() ? Uni.createFrom().item(after.get()) : requireUser(userId))
                .map(UserService::toUser);
    }

    /** The LiteLLM user, or 404; never creates it. */
    public Uni<UserInfo> requireUser(String userId) {
        return findUser(userId)
                .map(found -> found.orElseThrow(() -> ApiException.notFound("User " + userId + " not found")));
    }

    static User toUser(UserInfo info) {
        return new User(info.userId(), info.createdAt(), info.maxBudget(), info.budgetDuration(),
                info.spend() != null ? info.spend() : 0.0);
    }

    private static ApiException alreadyExists(String userId) {
        return ApiException.conflict("User " + userId + " already exists");
    }
}
