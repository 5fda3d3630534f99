package io.litellm.orchestrator.api;

import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.litellm.orchestrator.client.Durations;


/** Body of {@code createUserKey}; the Backstage frontend sends {@code {}}. */
@Schema(name = "CreateUserKeyRequest")
public record CreateUserKeyRequest(
        @Size(min = 1, max = 255) String keyAlias,
        @Size(max = 100) List<@Size(min = 1, max = 255) String> models,
        @PositiveOrZero Double maxBudget,
        @Pattern(regexp = Durations.PATTERN, message = Durations.MESSAGE) String budgetDuration,
        @Pattern(regexp = Durations.PATTERN, message = Durations.MESSAGE) @Schema(description = "Key lifetime; unset means it never expires, or, for a non-admin with a ceiling, their default lifetime (GET /me)") String duration,
        @Schema(description = "Free-form; LiteLLM's control keys (guardrails, tags, model_rpm_limit, …) only an admin may set") Map<String, Object> metadata,
        @PositiveOrZero @Schema(description = "Tokens per minute; a non-admin stays within their ceiling (GET /me)") Long tpmLimit,
        @PositiveOrZero @Schema(description = "Requests per minute; a non-admin stays within their ceiling (GET /me)") Long rpmLimit) {

    public static final CreateUserKeyRequest EMPTY = new CreateUserKeyRequest(null, null, null, null, null, null, null,
            null);

    /** The same request with this lifetime and these models (what a ceiling gives a key that asked for none). */
    public CreateUserKeyRequest withLifetimeAndModels(String newDuration, List<String> newModels) {
        return new CreateUserKeyRequest(keyAlias, newModels, maxBudget, budgetDuration, newDuration, metadata, tpmLimit,
                rpmLimit);
    }
}
