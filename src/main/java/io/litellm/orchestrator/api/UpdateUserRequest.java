package io.litellm.orchestrator.api;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.litellm.orchestrator.client.Durations;

/** Body of {@code updateUser} (admin only): the fields to change; at least one. */
@Schema(name = "UpdateUserRequest", description = "At least one field is required")
public record UpdateUserRequest(
        @PositiveOrZero @Schema(description = "Budget in USD") Double maxBudget,
        @Pattern(regexp = Durations.PATTERN, message = Durations.MESSAGE) @Schema(examples = "30d") String budgetDuration,
        @PositiveOrZero @Schema(description = "Spend so far in USD; 0 resets it after a billing cycle") Double spend) {

    /** True when the body changes nothing; not a bean getter, so neither Jackson nor OpenAPI see it as a field. */
    public boolean changesNothing() {
        return maxBudget == null && budgetDuration == null && spend == null;
    }
}
