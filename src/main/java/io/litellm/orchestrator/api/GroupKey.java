package io.litellm.orchestrator.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A freshly issued team key: the only answer that ever carries its secret. */
@Schema(name = "GroupKey", description = "A group's key", requiredProperties = { "groupRef", "keyId", "keySecret" })
public record GroupKey(
        @Schema(examples = "group:default/platform") String groupRef,
        @Schema(description = "LiteLLM's token hash; identifies the key in every other route") String keyId,
        @Schema(description = "The key itself (sk-…); shown once, store it now") String keySecret) {

    @Override
    public String toString() {
        // keep the secret out of any accidental log line
        return "GroupKey[groupRef=" + groupRef + ", keyId=" + keyId + ", keySecret=***]";
    }
}
