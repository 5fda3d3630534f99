package io.litellm.orchestrator.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.UpdateUserKeyRequest;

/**
 * Our camelCase key changes as LiteLLM's snake_case {@code UpdateKeyRequest} / {@code RegenerateKeyRequest} fields.
 * Only the fields that were given are sent: LiteLLM sets a field it receives, even to null.
 */
final class KeyChanges {

    /**
     * Our field names in snake case, absent fields left out. A plain mapper on purpose: it must not share the REST
     * layer's settings, and map keys (metadata) keep their spelling.
     */
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private KeyChanges() {
    }

    /** The fields to send, without {@code key}. */
    static ObjectNode toUpstream(UpdateUserKeyRequest changes) {
        return JSON.valueToTree(changes);
    }

}
