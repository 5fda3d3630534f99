package io.litellm.orchestrator.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Answer of {@code provisionWorkshop}: what this call created, what already existed, what failed, what it removed. */
@Schema(name = "WorkshopResult")
public record WorkshopResult(
        String workshopId,
        @Schema(description = "Keys this call created (their secrets are in attendees)") int created,
        @Schema(description = "Attendees whose key already existed (no secret shown)") int existing,
        @Schema(description = "Attendees (or surplus keys to prune) that could not be finished; rerun the call") int failed,
        @Schema(description = "Surplus keys deleted with prune=true") int removed,
        List<WorkshopAttendee> attendees) {
}
