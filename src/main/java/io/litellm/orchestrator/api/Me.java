package io.litellm.orchestrator.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Who the caller is, so a frontend can draw itself. */
@Schema(name = "Me", description = "The caller", requiredProperties = { "userId", "admin", "groups", "ceilings" })
public record Me(
        @Schema(description = "The caller's user id (the token principal)", examples = "user:default/jane.doe") String userId,
        @Schema(description = "Whether the caller is an admin (may act on every user and group)") boolean admin,
        @Schema(description = "Groups the caller is a member of and may manage under /groups; an admin may manage any group",
                examples = "[\"group:default/platform\"]") List<String> groups,
        @Schema(description = "The caller's ceilings on keys (all null for an admin), so a form can show them before it is sent") Ceilings ceilings) {
}
