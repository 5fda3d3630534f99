package io.litellm.orchestrator.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A freshly issued key: the only answer that ever carries the secret. */
@Schema(name = "UserKey", description = "A user key", requiredProperties = { "userId", "keyId", "keySecret" })
public record UserKey(
        String userId,
        @Schema(description = "LiteLLM's token hash; identifies the key in every other route") String keyId,
        @Schema(description = "The key itself (sk-…); shown once, store it now") String keySecret) {

    @Override
    public String toString() {
        // keep the secret out of any accidental log line
        return "UserKey[userId=" + userId + ", keyId=" + keyId + ", keySecret=***]";
    }
}
