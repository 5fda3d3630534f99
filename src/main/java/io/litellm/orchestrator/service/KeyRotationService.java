package io.litellm.orchestrator.service;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.ErrorKind;
import io.litellm.orchestrator.api.UpdateUserKeyRequest;
import io.litellm.orchestrator.api.UserKey;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.client.LiteLlmDtos.GenerateKeyRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.GenerateKeyResponse;
import io.litellm.orchestrator.client.UpstreamException;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.config.OrchestratorConfig.Regenerate.Fallback;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.litellm.orchestrator.security.Caller;
import io.smallrye.mutiny.Uni;

/**
 * Key regeneration: a new secret and a new id for an owned key, the old secret dead afterwards. Uses LiteLLM's
 * {@code /key/{key}/regenerate} when it is licensed; on open-source LiteLLM (which answers that it is an
 * Enterprise feature) rotates by creating a copy of the key and deleting the old one, undoing every step on failure
 * so that exactly one of the two keys is live.
 */
@ApplicationScoped
public class KeyRotationService {

    private static final Logger LOG = Logger.getLogger(KeyRotationService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LiteLlmClient litellm;
    private final KeyService keys;
    private final RegenerationLimiter limiter;
    private final OrchestratorConfig config;
    private final OrchestratorMetrics metrics;

    public KeyRotationService(LiteLlmClient litellm, KeyService keys, RegenerationLimiter limiter,
            OrchestratorConfig config, OrchestratorMetrics metrics) {
        this.litellm = litellm;
        this.keys = keys;
        this.limiter = limiter;
        this.config = config;
        this.metrics = metrics;
    }

    public Uni<UserKey> regenerate(Caller caller, String userId, String keyId, UpdateUserKeyRequest changes) {
        limiter.acquire(caller.principal(), keyId);
        return keys.requireOwnedKey(userId, keyId)
                .call(row -> keys.checkChanges(caller, userId, row, changes))
                .flatMap(row -> litellm.regenerateKey(keyId, KeyChanges.toUpstream(changes), caller.principal())
                        .map(regenerated -> issued(userId, regenerated))
                        .invoke(issued -> metrics.keyRegenerated("native"))
                        .onFailure(KeyService::isAliasConflict).transform(f -> KeyService.aliasTaken(changes.keyAlias()))
                        .onFailure(KeyRotationService::isEnterpriseOnly)
                        .recoverWithUni(f -> rotateByRecreation(caller, userId, keyId, row, changes)))
                .invoke(issued -> {
                    limiter.moved(caller.principal(), keyId, issued.keyId());
                    LOG.infof("Key %s of %s regenerated as %s by %s", keyId, userId, issued.keyId(),
                            caller.principal());
                });
    }

    /** Open-source LiteLLM: create a copy with the changes, then delete the old key; undo on any failure. */
    private Uni<UserKey> rotateByRecreation(Caller caller, String userId, String keyId, ObjectNode old,
            UpdateUserKeyRequest changes) {
        if (config.regenerate().fallback() == Fallback.NEVER) {
            return Uni.createFrom().failure(new ApiException(ErrorKind.NOT_IMPLEMENTED,
                    "This LiteLLM has no Enterprise licence, so it cannot regenerate keys, and rotation by "
                            + "create-and-delete is switched off (orchestrator.regenerate.fallback=never); "
                            + "create a new key and delete the old one instead"));
        }
        String changedBy = caller.principal();
        String oldAlias = text(old, "key_alias");
        String newAlias = changes.keyAlias() != null ? changes.keyAlias() : oldAlias;
        // LiteLLM keeps aliases unique: the alias can only move to the new key once the old one lets go of it
        boolean moveAlias = oldAlias != null && oldAlias.equals(newAlias);
        GenerateKeyRequest copy;
        try {
            copy = copyOf(userId, old, changes, newAlias);
        } catch (ApiException refused) {
            return Uni.createFrom().failure(refused);
        }
        Uni<Void> freeAlias = moveAlias ? setAlias(keyId, null, changedBy) : Uni.createFrom().voidItem();

        return freeAlias
                .onFailure().transform(f -> rotationFailed("freeing the key alias", f, ""))
                .flatMap(freed -> litellm.generateKey(copy, changedBy)
                        .onFailure().recoverWithUni(f -> restoreAlias(moveAlias, keyId, oldAlias, changedBy)
                                .flatMap(note -> Uni.createFrom().failure(KeyService.isAliasConflict(f)
                                        ? KeyService.aliasTaken(newAlias)
                                        : rotationFailed("creating the new key", f, note)))))
                .flatMap(created -> {
                    if (created.key() == null || created.keyHash() == null) {
                        return undo(created.keyHash(), moveAlias, keyId, oldAlias, changedBy)
                                .flatMap(note -> Uni.createFrom().failure(rotationFailed(
                                        "reading the new key", null, note)));
                    }
                    return litellm.deleteKey(keyId, changedBy)
                            .replaceWith(new UserKey(userId, created.keyHash(), created.key()))
                            .onFailure().recoverWithUni(f -> afterFailedDelete(f, userId, keyId, created,
                                    moveAlias, oldAlias, changedBy))
                            .invoke(issued -> metrics.keyRegenerated("fallback"));
                });
    }

    /** A failed delete may still have happened (a timeout after LiteLLM acted): look before undoing. */
    private Uni<UserKey> afterFailedDelete(Throwable failure, String userId, String keyId, GenerateKeyResponse created,
            boolean moveAlias, String oldAlias, String changedBy) {
        return litellm.findKey(keyId)
                // when we cannot tell, assume the old key is still there: undoing is the safe side
                .onFailure().recoverWithItem(Optional.of(JSON.createObjectNode()))
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(new UserKey(userId, created.keyHash(), created.key()));
                    }
                    return undo(created.keyHash(), moveAlias, keyId, oldAlias, changedBy)
                            .flatMap(note -> Uni.createFrom().failure(
                                    rotationFailed("deleting the old key", failure, note)));
                });
    }

    /** Deletes the new key and gives the alias back; answers what could not be undone, for the error message. */
    private Uni<String> undo(String newKeyId, boolean moveAlias, String keyId, String oldAlias, String changedBy) {
        Uni<String> deleteNew = newKeyId == null ? Uni.createFrom().item("")
                : litellm.deleteKey(newKeyId, changedBy).replaceWith("")
                        .onFailure().recoverWithItem(f -> {
                            LOG.errorf("Rotation of key %s: could not delete the new key %s (%s); delete it by hand",
                                    keyId, newKeyId, f.getMessage());
                            return " The new key " + newKeyId + " could not be deleted; an admin should delete it.";
                        });
        return deleteNew.flatMap(note -> restoreAlias(moveAlias, keyId, oldAlias, changedBy).map(more -> note + more));
    }

    private Uni<String> restoreAlias(boolean moveAlias, String keyId, String oldAlias, String changedBy) {
        if (!moveAlias) {
            return Uni.createFrom().item("");
        }
        return setAlias(keyId, oldAlias, changedBy).replaceWith("")
                .onFailure().recoverWithItem(f -> {
                    LOG.errorf("Rotation of key %s: could not restore its alias (%s)", keyId, f.getMessage());
                    return " Its alias could not be restored: set keyAlias to " + oldAlias + " again.";
                });
    }

    private Uni<Void> setAlias(String keyId, String alias, String changedBy) {
        ObjectNode body = JSON.createObjectNode().put("key", keyId);
        if (alias == null) {
            // an explicit null: LiteLLM clears fields that are sent, and keeps those that are not
            body.putNull("key_alias");
        } else {
            body.put("key_alias", alias);
        }
        return litellm.updateKey(body, changedBy);
    }

    /** The old key's properties, with the requested changes on top; spend is kept so rotation resets no budget. */
    static GenerateKeyRequest copyOf(String userId, ObjectNode old, UpdateUserKeyRequest changes, String alias) {
        return new GenerateKeyRequest(userId, alias,
                changes.models() != null ? changes.models() : strings(old.path("models")),
                changes.maxBudget() != null ? changes.maxBudget() : number(old, "max_budget"),
                changes.budgetDuration() != null ? changes.budgetDuration() : text(old, "budget_duration"),
                remainingLifetime(old),
                changes.metadata() != null ? changes.metadata() : metadata(old),
                changes.tpmLimit() != null ? changes.tpmLimit() : whole(old, "tpm_limit"),
                changes.rpmLimit() != null ? changes.rpmLimit() : whole(old, "rpm_limit"),
                changes.maxParallelRequests() != null ? changes.maxParallelRequests()
                        : wholeInt(old, "max_parallel_requests"),
                changes.blocked() != null ? changes.blocked() : (old.path("blocked").asBoolean(false) ? true : null),
                number(old, "spend"),
                text(old, "team_id"));
    }

    /** The old key's expiry as a LiteLLM duration from now, so the copy expires when the old key would have. */
    static String remainingLifetime(ObjectNode old) {
        String expires = text(old, "expires");
        if (expires == null) {
            return null;
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(expires).toInstant();
        } catch (DateTimeParseException e) {
            try {
                // LiteLLM stores UTC and sometimes prints it without an offset
                at = LocalDateTime.parse(expires).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                throw new ApiException(ErrorKind.BAD_GATEWAY,
                        "LiteLLM gave the key an expiry we cannot read; nothing was changed", null, null);
            }
        }
        long seconds = Duration.between(Instant.now(), at).toSeconds();
        if (seconds <= 0) {
            throw ApiException.conflict("The key has expired; create a new key instead of regenerating it");
        }
        return seconds + "s";
    }

    private static UserKey issued(String userId, GenerateKeyResponse regenerated) {
        if (regenerated.key() == null || regenerated.keyHash() == null) {
            throw new ApiException(ErrorKind.BAD_GATEWAY,
                    "LiteLLM regenerated the key but did not return it; regenerate it again", null, null);
        }
        return new UserKey(userId, regenerated.keyHash(), regenerated.key());
    }

    static boolean isEnterpriseOnly(Throwable failure) {
        return (failure instanceof UpstreamException.Failed || failure instanceof UpstreamException.Rejected)
                && String.valueOf(failure.getMessage()).toLowerCase().contains("enterprise");
    }

    private static ApiException rotationFailed(String step, Throwable cause, String note) {
        if (cause != null) {
            LOG.warnf("Key rotation failed while %s: %s (%s)", step, cause.getMessage(),
                    cause.getClass().getSimpleName());
        }
        return new ApiException(ErrorKind.BAD_GATEWAY, "Key rotation failed while " + step
                + "; it was undone and the old key is still valid." + note, null, cause);
    }

    private static String text(JsonNode row, String field) {
        JsonNode value = row.path(field);
        return value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    private static Double number(JsonNode row, String field) {
        JsonNode value = row.path(field);
        return value.isNumber() ? value.asDouble() : null;
    }

    private static Long whole(JsonNode row, String field) {
        JsonNode value = row.path(field);
        return value.isNumber() ? value.asLong() : null;
    }

    private static Integer wholeInt(JsonNode row, String field) {
        JsonNode value = row.path(field);
        return value.isNumber() ? value.asInt() : null;
    }

    private static List<String> strings(JsonNode array) {
        if (!array.isArray() || array.isEmpty()) {
            return null;
        }
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static Map<String, Object> metadata(JsonNode row) {
        JsonNode value = row.path("metadata");
        if (!value.isObject() || value.isEmpty()) {
            return null;
        }
        return JSON.convertValue(value, new TypeReference<Map<String, Object>>() {
        });
    }
}
