package io.litellm.orchestrator.api;

import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.litellm.orchestrator.client.Durations;

/**
 * Body of {@code updateUserKey} (at least one field) and, optionally, of {@code regenerateUserKey}. Who may set
 * which field is decided by {@code KeyFieldPolicy}.
 */
@Schema(name = "UpdateUserKeyRequest")
public record UpdateUserKeyRequest(
        @Size(min = 1, max = 255) String keyAlias,
        @PositiveOrZero @Schema(description = "Budget in USD; a non-admin stays within the user's budget") Double maxBudget,
        @Pattern(regexp = Durations.PATTERN, message = Durations.MESSAGE) @Schema(examples = "30d") String budgetDuration,
        @Size(max = 100) @Schema(description = "A non-admin may only add models their user may use") List<@Size(min = 1, max = 255) String> models,
        @Schema(description = "An admin's replaces the key's metadata; a non-admin's replaces its free-form keys and keeps LiteLLM's control keys (guardrails, tags, model_rpm_limit, …), which only an admin may set") Map<String, Object> metadata,
        @PositiveOrZero Long tpmLimit,
        @PositiveOrZero Long rpmLimit,
        @PositiveOrZero Integer maxParallelRequests,
        @Schema(description = "A non-admin may block their key but not unblock it") Boolean blocked,
        @Pattern(regexp = Durations.PATTERN, message = Durations.MESSAGE)
        @Schema(examples = "30d", description = "A new lifetime from now (LiteLLM sets expires = now + duration; 1mo is a calendar month); a non-admin stays within their ceiling (GET /me)")
        String duration) {

    public static final UpdateUserKeyRequest EMPTY = new UpdateUserKeyRequest(null, null, null, null, null, null, null,
            null, null, null);

    /** The same changes with other metadata. */
    public UpdateUserKeyRequest withMetadata(Map<String, Object> newMetadata) {
        return new UpdateUserKeyRequest(keyAlias, maxBudget, budgetDuration, models, newMetadata, tpmLimit, rpmLimit,
                maxParallelRequests, blocked, duration);
    }

    /** True when the body changes nothing; not a bean getter, so neither Jackson nor OpenAPI see it as a field. */
    public boolean changesNothing() {
        return keyAlias == null && maxBudget == null && budgetDuration == null && models == null && metadata == null
                && tpmLimit == null && rpmLimit == null && maxParallelRequests == null && blocked == null
                && duration == null;
    }
}
