package io.litellm.orchestrator.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One finding the lifecycle scan would send now; never a secret. */
@Schema(name = "PendingFinding")
public record PendingFinding(
        @Schema(description = "The event's deterministic id: the same on every replica and every retry",
                examples = "evt_3f2a9c0d1e4b5a697887766554433221") String id,
        @Schema(enumeration = { "key.expiring", "key.budget_threshold", "user.budget_threshold" }) String type,
        @Schema(enumeration = { "low", "normal", "high", "critical" }) String severity,
        @Schema(description = "user, group, or none (a team key of no group)") String ownerType,
        @Schema(description = "The user id or group ref") String owner,
        String keyId,
        String keyRef,
        String keyAlias,
        @Schema(description = "The threshold crossed, as marked in LiteLLM", examples = "expiry-7d") String threshold,
        String description) {
}
