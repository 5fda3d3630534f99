package io.litellm.orchestrator.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A group's LiteLLM team: its budget, spend and models. */
@Schema(name = "Group", description = "A group and its LiteLLM team", requiredProperties = { "groupRef", "teamId",
        "maxBudget", "budgetDuration", "spend", "models" })
public record Group(
        @Schema(examples = "group:default/platform") String groupRef,
        @Schema(description = "The LiteLLM team id backing the group", examples = "grp-3f1c9a0d5e7b2c4a6f8e0d1c3b5a7f9e2d4c6b8a") String teamId,
        @Schema(description = "Budget in USD; null when unlimited") Double maxBudget,
        @Schema(description = "Budget reset period; null when it never resets", examples = "30d") String budgetDuration,
        @Schema(description = "Spend so far in USD") Double spend,
        @Schema(description = "Models the team's keys may use; empty means every model") List<String> models) {
}
