package io.litellm.orchestrator.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A freshly issued key: the only answer that ever carries the secret. */
@Schema(name = "UserKey", description = "A user key", requiredProperties = { "userId", "keyId", "keySecret" })
public record UserKey(
        String userId,
        @Schema(description = "LiteLLM's token hash; identifies the key in every other route") String keyId,
        @Schema(description = "The key itself (sk-…); shown once, store it now") String keySecret,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "The key's stable reference (kr_…): "
                + "unlike keyId it stays the same through every rotation, and every key route takes it in place of keyId",
                examples = "kr_7q2xk4m6d3a5b6c7e2f4g5h6j7") String keyRef) {

    public UserKey(String userId, String keyId, String keySecret) {
        this(userId, keyId, keySecret, null);
    }

    public UserKey withKeyRef(String ref) {
        return new UserKey(userId, keyId, keySecret, ref);
    }

    @Override
    public String toString() {
        // keep the secret out of any accidental log line
        return "UserKey[userId=" + userId + ", keyId=" + keyId + ", keySecret=***, keyRef=" + keyRef + "]";
    }
}
