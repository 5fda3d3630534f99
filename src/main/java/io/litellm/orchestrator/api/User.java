package io.litellm.orchestrator.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A LiteLLM user as the Backstage plugin shows it. */
@Schema(name = "User", description = "A user in the system", requiredProperties = { "userId", "createdAt",
        "maxBudget", "budgetDuration", "spend" })
public record User(
        @Schema(examples = "user:default/jane.doe") String userId,
        @Schema(description = "ISO-8601 creation time", examples = "2026-11-23T10:00:00Z") String createdAt,
        @Schema(description = "Budget in USD; null when unlimited") Double maxBudget,
        @Schema(description = "Budget reset period; null when it never resets", examples = "30d") String budgetDuration,
        @Schema(description = "Spend so far in USD") Double spend) {
}
