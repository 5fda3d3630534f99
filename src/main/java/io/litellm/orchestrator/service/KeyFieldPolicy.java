package io.litellm.orchestrator.service;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.Ceilings;
import io.litellm.orchestrator.api.CreateUserKeyRequest;
import io.litellm.orchestrator.api.UpdateUserKeyRequest;
import io.litellm.orchestrator.client.KeyRow;
import io.litellm.orchestrator.client.LiteLlmDtos.TeamInfo;
import io.litellm.orchestrator.client.LiteLlmDtos.UserInfo;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.litellm.orchestrator.security.Caller;

/**
 * Who may set what on a key. Admins may set everything; anyone else stays within the limits of the key's owner (their
 * user's, or the group's team's) and within the ceilings of their roles ({@link KeyCeilings}).
 */
@ApplicationScoped
public class KeyFieldPolicy {

    /**
     * The budget and models an owner's keys stay within, and who sets them ({@code your user}, {@code the team}) for
     * the refusals' words.
     */
    public record Limits(Double maxBudget, List<String> models, String holder) {

        static Limits of(UserInfo user) {
            return new Limits(user.maxBudget(), user.models(), "your user");
        }

        static Limits of(TeamInfo team) {
            return new Limits(team.maxBudget(), team.models(), "the team");
        }

        /** Whether the owner may use only some models ({@code all-proxy-models} and none named mean every one). */
        boolean restrictsModels() {
            return models != null && !models.isEmpty() && !models.contains("all-proxy-models");
        }
    }

    private final OrchestratorMetrics metrics;
    private final KeyCeilings ceilings;

    public KeyFieldPolicy(OrchestratorMetrics metrics, KeyCeilings ceilings) {
        this.metrics = metrics;
        this.ceilings = ceilings;
    }

    /**
     * A new key (personal or a group's) within the caller's ceilings: 403 naming the field and the ceiling for a
     * value beyond one. Answers the request to send: a key asked without {@code duration} gets the ceiling's default
     * lifetime, one without {@code models} the ceiling's models. An admin's request is returned as is.
     */
    public CreateUserKeyRequest withinCeilings(Caller caller, CreateUserKeyRequest request) {
        if (caller.admin()) {
            return request;
        }
        Ceilings mine = ceilings.of(caller);
        counted(() -> {
            ceilings.checkDuration(mine, request.duration());
            ceilings.checkBudget(mine, request.maxBudget());
            ceilings.checkTpm(mine, request.tpmLimit());
            ceilings.checkRpm(mine, request.rpmLimit());
            ceilings.checkModels(mine, request.models(), List.of());
        });
        String duration = request.duration() != null ? request.duration() : ceilings.defaultDuration(mine);
        List<String> models = request.models() != null ? request.models() : mine.models();
        return request.withLifetimeAndModels(duration, models);
    }

    /**
     * Changes of an existing key ({@code updateUserKey}, {@code updateGroupKey}, and those sent with a regeneration)
     * within the caller's ceilings. Models already on the key may stay.
     */
    public void checkCeilings(Caller caller, ObjectNode key, UpdateUserKeyRequest changes) {
        if (caller.admin()) {
            return;
        }
        Ceilings mine = ceilings.of(caller);
        counted(() -> {
            ceilings.checkDuration(mine, changes.duration());
            ceilings.checkBudget(mine, changes.maxBudget());
            ceilings.checkTpm(mine, changes.tpmLimit());
            ceilings.checkRpm(mine, changes.rpmLimit());
            ceilings.checkModels(mine, changes.models(), KeyRow.of(key).models());
        });
    }

    /**
     * Keys of a key's {@code metadata} that LiteLLM reads as controls, not as free-form data: the fields
     * {@code /key/generate} and {@code /key/update} store in metadata ({@code LiteLLM_ManagementEndpoint_MetadataFields}
     * and its premium list in {@code proxy/_types.py}, {@code policies} and {@code prompts} in
     * {@code generate_key_helper_fn}), and what the proxy reads from a key's metadata when it serves a request
     * (guardrail opt-outs and {@code allowed_tools} in {@code auth/auth_checks.py}, limit types, budget alert
     * recipients, key-based {@code logging} and {@code callback_settings}, service accounts). Only an admin sets
     * them; a non-admin's metadata change keeps them as they are.
     */
    public static final Set<String> CONTROL_METADATA = Set.of("model_rpm_limit", "model_tpm_limit", "guardrails",
            "tags", "enforced_params", "temp_budget_increase", "temp_budget_expiry", "team_member_key_duration",
            "policies", "prompts", "allowed_tools", "disable_global_guardrails", "disable_global_guardrail",
            "opted_out_global_guardrails", "tpm_limit_type", "rpm_limit_type", "max_budget_alert_emails", "logging",
            "callback_settings", "service_account_id");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Whether {@link #checkCreate} needs the owner's limits: only a non-admin's {@code maxBudget} and {@code models}
     * are measured against them.
     */
    public boolean createNeedsLimits(Caller caller, CreateUserKeyRequest request) {
        return !caller.admin() && (request.maxBudget() != null || request.models() != null);
    }

    /**
     * A non-admin's new key of {@code owner}, personal or a group's: no LiteLLM control keys and none of our own
     * marks in metadata, budget and models within the owner's limits.
     *
     * @param limits the owner's; may be null only when {@link #createNeedsLimits} is false
     */
    public void checkCreate(Caller caller, KeyOwner owner, Limits limits, CreateUserKeyRequest request) {
        if (caller.admin()) {
            return;
        }
        counted(() -> {
            checkMetadata(request.metadata());
            if (request.maxBudget() != null || request.models() != null) {
                // never skip a limit for want of the row
                Objects.requireNonNull(limits, "the owner's row is needed to check maxBudget and models");
                checkBudget(limits, request.maxBudget());
                checkModels(limits, request.models());
            }
        });
    }

    /** The checks of a non-admin's key change that need only the key's row (no user row). */
    public void checkKeyChange(Caller caller, ObjectNode key, UpdateUserKeyRequest request) {
        if (caller.admin()) {
            return;
        }
        counted(() -> {
            if (Boolean.FALSE.equals(request.blocked()) && KeyRow.of(key).blocked()) {
                throw ApiException.notAllowed("blocked: only an admin may unblock a key");
            }
            checkMetadata(request.metadata());
        });
    }

    /**
     * The metadata to send for a change of {@code metadata}. An admin's replaces the key's metadata as a whole. A
     * non-admin's replaces only the free-form part: the key's LiteLLM controls ({@link #CONTROL_METADATA}) stay.
     */
    public ObjectNode metadataToWrite(Caller caller, ObjectNode key, Map<String, Object> metadata) {
        ObjectNode written = JSON.valueToTree(metadata);
        // the key's reference and rotation record are ours: they stay as they are, an admin's change included
        written.remove(KeyRefs.OWNED);
        JsonNode current = KeyRow.of(key).metadata();
        for (String owned : KeyRefs.OWNED) {
            if (current.hasNonNull(owned)) {
                written.set(owned, current.get(owned));
            }
        }
        if (caller.admin()) {
            return written;
        }
        if (current.isObject()) {
            current.fields().forEachRemaining(entry -> {
                if (CONTROL_METADATA.contains(entry.getKey())) {
                    written.set(entry.getKey(), entry.getValue());
                }
            });
        }
        return written;
    }

    void checkMetadata(Map<String, Object> metadata) {
        if (metadata == null) {
            return;
        }
        List<String> controls = metadata.keySet().stream().filter(CONTROL_METADATA::contains).sorted().toList();
        if (!controls.isEmpty()) {
            throw ApiException.notAllowed("metadata." + controls.get(0) + ": only an admin may set LiteLLM's "
                    + "control keys in metadata (" + String.join(", ", controls) + ")");
        }
        List<String> ours = metadata.keySet().stream().filter(KeyRefs.OWNED::contains).sorted().toList();
        if (!ours.isEmpty()) {
            throw ApiException.notAllowed("metadata." + ours.get(0) + ": the key's reference and rotation record "
                    + "are kept by the orchestrator (" + String.join(", ", ours) + ")");
        }
    }

    /**
     * Changes to an existing key ({@code updateUserKey}, {@code updateGroupKey}, and the changes asked with a
     * regeneration). Admins may change everything. A non-admin may change alias, metadata, models, limits, budget
     * duration and block the key, but may not unblock it (an admin's block must hold), raise its budget above the
     * owner's, or add a model the owner may not use.
     *
     * @param key the key's current row in LiteLLM
     */
    public void checkUpdate(Caller caller, Limits limits, ObjectNode key, UpdateUserKeyRequest request) {
        if (caller.admin()) {
            return;
        }
        counted(() -> {
            if (Boolean.FALSE.equals(request.blocked()) && KeyRow.of(key).blocked()) {
                throw ApiException.notAllowed("blocked: only an admin may unblock a key");
            }
            checkMetadata(request.metadata());
            checkBudget(limits, request.maxBudget());
            checkAddedModels(limits, key, request.models());
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

    /** Models the key already has may stay; a new one must be one the owner may use. */
    void checkAddedModels(Limits limits, ObjectNode key, List<String> models) {
        if (models == null || !limits.restrictsModels()) {
            return;
        }
        if (models.isEmpty()) {
            // on a key, an empty list means every model: that would add all of them
            throw ApiException.notAllowed("models: an empty list means every model; name the models instead");
        }
        List<String> current = KeyRow.of(key).models();
        checkModels(limits, models.stream().filter(model -> !current.contains(model)).toList());
    }

    void checkBudget(Limits limits, Double maxBudget) {
        if (maxBudget != null && limits.maxBudget() != null && maxBudget > limits.maxBudget()) {
            throw ApiException.notAllowed("maxBudget may not exceed " + limits.holder() + "'s budget of "
                    + limits.maxBudget());
        }
    }

    void checkModels(Limits limits, List<String> models) {
        if (models == null || !limits.restrictsModels()) {
            return;
        }
        for (String model : models) {
            if (!limits.models().contains(model)) {
                throw ApiException.notAllowed("models: " + limits.holder() + " may not use model " + model);
            }
        }
    }
}
