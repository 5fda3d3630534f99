package io.litellm.orchestrator.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.litellm.orchestrator.client.Durations;


/** Body of {@code createUser}. Budgets may only be chosen by an admin. */
@Schema(name = "CreateUserRequest", requiredProperties = "userId")
public record CreateUserRequest(
        @NotBlank @Size(max = 255) @Schema(examples = "user:default/jane.doe") String userId,
        @PositiveOrZero @Schema(description = "Admin only") Double maxBudget,
        @Pattern(regexp = Durations.PATTERN, message = Durations.MESSAGE) @Schema(description = "Admin only", examples = "30d") String budgetDuration) {
}
