package io.litellm.orchestrator.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Answer of {@code getWorkshop}: every key of the workshop, no secrets. */
@Schema(name = "WorkshopView")
public record WorkshopView(String workshopId, @Schema(description = "Sum of the keys' spend in USD") double totalSpend,
        List<WorkshopMember> attendees) {
}
