package io.litellm.orchestrator.service;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.CreateUserKeyRequest;
import io.litellm.orchestrator.api.UpdateUserKeyRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.UserInfo;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.litellm.orchestrator.security.Caller;

/**
 * Who may set what on a key. Admins may set everything; a user stays within their own user's limits.
 */
@ApplicationScoped
public class KeyFieldPolicy {

    private final OrchestratorMetrics metrics;

    public KeyFieldPolicy(OrchestratorMetrics metrics) {
        this.metrics = metrics;
    }

    public void checkCreate(Caller caller, UserInfo user, CreateUserKeyRequest request) {
        if (caller.admin()) {
            return;
        }
        counted(() -> {
            checkBudget(user, request.maxBudget());
            checkModels(user, request.models());
        });
    }

    /**
     * Changes to an existing key ({@code updateUserKey}, and the changes asked with {@code regenerateUserKey}).
     * Admins may change everything. A non-admin may change alias, metadata, models, limits, budget duration and
     * block their key, but may not unblock it (an admin's block must hold), raise its budget above their user's, or
     * add a model their user may not use.
     *
     * @param key the key's current row in LiteLLM
     */
    public void checkUpdate(Caller caller, UserInfo user, ObjectNode key, UpdateUserKeyRequest request) {
        if (caller.admin()) {
            return;
        }
        counted(() -> {
            if (Boolean.FALSE.equals(request.blocked()) && key.path("blocked").asBoolean(false)) {
                throw ApiException.notAllowed("blocked: only an admin may unblock a key");
            }
            checkBudget(user, request.maxBudget());
            checkAddedModels(user, key, request.models());
        });
    }

    /** Runs the checks, counting a refusal under reason {@code field_policy}. */
    private void counted(Runnable checks) {
        try {
            checks.run();
        } catch (ApiException refused) {
            metrics.refusal("field_policy");
            throw refused;
        }
    }

    /** Models the key already has may stay; a new one must be one the user may use. */
    void checkAddedModels(UserInfo user, ObjectNode key, List<String> models) {
        if (models == null || !restrictsModels(user)) {
            return;
        }
        if (models.isEmpty()) {
            // on a key, an empty list means every model: that would add all of them
            throw ApiException.notAllowed("models: an empty list means every model; name the models instead");
        }
        List<String> current = new ArrayList<>();
        for (JsonNode model : key.path("models")) {
            current.add(model.asText());
        }
        checkModels(user, models.stream().filter(model -> !current.contains(model)).toList());
    }

    private static boolean restrictsModels(UserInfo user) {
        List<String> allowed = user.models();
        return allowed != null && !allowed.isEmpty() && !allowed.contains("all-proxy-models");
    }

    void checkBudget(UserInfo user, Double maxBudget) {
        if (maxBudget != null && user.maxBudget() != null && maxBudget > user.maxBudget()) {
            throw ApiException.notAllowed("maxBudget may not exceed your user's budget of " + user.maxBudget());
        }
    }

    void checkModels(UserInfo user, List<String> models) {
        List<String> allowed = user.models();
        if (models == null || allowed == null || allowed.isEmpty() || allowed.contains("all-proxy-models")) {
            return;
        }
        for (String model : models) {
            if (!allowed.contains(model)) {
                throw ApiException.notAllowed("models: your user may not use model " + model);
            }
        }
    }
}
