package io.litellm.orchestrator.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One attendee as {@code getWorkshop} lists it: never a secret. */
@Schema(name = "WorkshopMember")
public record WorkshopMember(String userId, String keyId, String keyAlias, Double spend, Double maxBudget,
        @Schema(description = "When the key expires (LiteLLM's timestamp); null: never") String expires) {
}
