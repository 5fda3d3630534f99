package io.litellm.orchestrator.api;

import java.util.List;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.litellm.orchestrator.client.Durations;

/** Body of {@code updateGroup} (admin only): at least one field. */
@Schema(name = "UpdateGroupRequest")
public record UpdateGroupRequest(
        @PositiveOrZero @Schema(description = "Budget in USD") Double maxBudget,
        @Pattern(regexp = Durations.PATTERN, message = Durations.MESSAGE) @Schema(examples = "30d") String budgetDuration,
        @Size(max = 100) @Schema(description = "Models the team's keys may use; empty means every model") List<@Size(min = 1, max = 255) String> models) {

    /** True when the body changes nothing; not a bean getter, so neither Jackson nor OpenAPI see it as a field. */
    public boolean changesNothing() {
        return maxBudget == null && budgetDuration == null && models == null;
    }
}
