package io.litellm.orchestrator.api;

import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.litellm.orchestrator.client.Durations;

/**
 * Body of {@code regenerateUserKey} (optional): the changes of {@code updateUserKey}, applied to the new key, and
 * {@code gracePeriod}, how long the old secret keeps working.
 */
@Schema(name = "RegenerateUserKeyRequest")
public record RegenerateUserKeyRequest(
        @Size(min = 1, max = 255) String keyAlias,
        @PositiveOrZero @Schema(description = "Budget in USD; a non-admin stays within the user's budget") Double maxBudget,
        @Pattern(regexp = Durations.PATTERN, message = Durations.MESSAGE) @Schema(examples = "30d") String budgetDuration,
        @Size(max = 100) @Schema(description = "A non-admin may only add models their user may use") List<@Size(min = 1, max = 255) String> models,
        @Schema(description = "An admin's replaces the new key's metadata; a non-admin's replaces its free-form keys and keeps LiteLLM's control keys (guardrails, tags, model_rpm_limit, …), which only an admin may set") Map<String, Object> metadata,
        @PositiveOrZero Long tpmLimit,
        @PositiveOrZero Long rpmLimit,
        @PositiveOrZero Integer maxParallelRequests,
        @Schema(description = "A non-admin may block their key but not unblock it") Boolean blocked,
        @Pattern(regexp = Durations.PATTERN, message = Durations.MESSAGE)
        @Schema(examples = "30m", description = "Keep the old secret working this long (a LiteLLM duration, at most "
                + "orchestrator.regenerate.max-grace-period, 24h by default); the old key stays listed, marked "
                + "rotated_to/rotated_at in its metadata, until it expires. Without it the old secret stops working at once.")
        String gracePeriod,
        @Pattern(regexp = Durations.PATTERN, message = Durations.MESSAGE)
        @Schema(examples = "90d", description = "The new key's lifetime from now; without it the new key keeps the old one's expiry. A non-admin stays within their ceiling (GET /me)")
        String duration) {

    public static final RegenerateUserKeyRequest EMPTY = new RegenerateUserKeyRequest(null, null, null, null, null,
            null, null, null, null, null, null);

    /** The changes to apply to the new key, without the grace period. */
    public UpdateUserKeyRequest changes() {
        return new UpdateUserKeyRequest(keyAlias, maxBudget, budgetDuration, models, metadata, tpmLimit, rpmLimit,
                maxParallelRequests, blocked, duration);
    }
}
