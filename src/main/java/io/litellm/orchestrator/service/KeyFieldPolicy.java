package io.litellm.orchestrator.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.CreateUserKeyRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.UserInfo;
import io.litellm.orchestrator.security.Caller;

/**
 * Who may set what on a key. Admins may set everything; a user stays within their own user's limits.
 */
@ApplicationScoped
public class KeyFieldPolicy {

    public void checkCreate(Caller caller, UserInfo user, CreateUserKeyRequest request) {
        if (caller.admin()) {
            return;
        }
        checkBudget(user, request.maxBudget());
        checkModels(user, request.models());
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
