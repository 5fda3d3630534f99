package io.litellm.orchestrator.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.UpdateUserKeyRequest;

/**
 * Our camelCase key changes as LiteLLM's snake_case {@code UpdateKeyRequest} / {@code RegenerateKeyRequest} fields.
 * Only the fields that were given are sent: LiteLLM sets a field it receives, even to null.
 */
final class KeyChanges {

    /** Only converts plain maps to trees; no Quarkus customisation is needed for that. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyChanges() {
    }

    /** The fields to send, without {@code key}. */
    static ObjectNode toUpstream(UpdateUserKeyRequest changes) {
        ObjectNode body = JSON.createObjectNode();
        if (changes.keyAlias() != null) {
            body.put("key_alias", changes.keyAlias());
        }
        if (changes.maxBudget() != null) {
            body.put("max_budget", changes.maxBudget());
        }
        if (changes.budgetDuration() != null) {
            body.put("budget_duration", changes.budgetDuration());
        }
        if (changes.models() != null) {
            body.set("models", JSON.valueToTree(changes.models()));
        }
        if (changes.metadata() != null) {
            body.set("metadata", JSON.valueToTree(changes.metadata()));
        }
        if (changes.tpmLimit() != null) {
            body.put("tpm_limit", changes.tpmLimit());
        }
        if (changes.rpmLimit() != null) {
            body.put("rpm_limit", changes.rpmLimit());
        }
        if (changes.maxParallelRequests() != null) {
            body.put("max_parallel_requests", changes.maxParallelRequests());
        }
        if (changes.blocked() != null) {
            body.put("blocked", changes.blocked());
        }
        return body;
    }

    /** {@code /key/update}'s body: the key's hash, then the changes. */
    static ObjectNode updateOf(String keyId, UpdateUserKeyRequest changes) {
        ObjectNode body = JSON.createObjectNode().put("key", keyId);
        body.setAll(toUpstream(changes));
        return body;
    }
}
