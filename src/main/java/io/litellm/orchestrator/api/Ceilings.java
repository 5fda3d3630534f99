package io.litellm.orchestrator.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The caller's ceilings on the keys they create and change; a null field is no ceiling. Admins have none. */
@Schema(name = "Ceilings", description = "The caller's self-service ceilings on keys; a null field means no ceiling")
public record Ceilings(
        @Schema(description = "Longest lifetime a key may be created or rotated with (a LiteLLM duration; 1mo is a calendar month)", examples = "90d") String maxDuration,
        @Schema(description = "Lifetime a key created without duration gets", examples = "30d") String defaultDuration,
        @Schema(description = "Largest maxBudget (USD) that may be set on a key", examples = "25") Double maxBudget,
        @Schema(description = "Largest tpmLimit that may be set on a key", examples = "100000") Long maxTpm,
        @Schema(description = "Largest rpmLimit that may be set on a key", examples = "60") Long maxRpm,
        @Schema(description = "Models that may be put on a key; a key created without models gets these", examples = "[\"gpt-4o-mini\"]") List<String> models) {

    public static final Ceilings NONE = new Ceilings(null, null, null, null, null, null);
}
